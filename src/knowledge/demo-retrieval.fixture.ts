/**
 * Questions real customers of the demo bakery would type (data/demo), in both
 * languages, with their typos, shorthand and missing accents, each labelled
 * with the source files that answer it (any of them counts) and, where one
 * section is the answer, that chunk's location. Written as a customer would
 * ask, not from the documents' wording: do not reword a question to make it pass.
 */
export interface RetrievalCase {
  query: string;
  /** File names under data/demo/knowledge; a hit from any of them answers the question. */
  sources: string[];
  /** The location of the chunk that answers it, where one section does. */
  location?: string;
}

const hours = "horarios-y-festivos.md";
const about = "sobre-nosotros.md";
const delivery = "envios-a-domicilio.html";
const allergens = "alergenos-e-ingredientes.md";
const cakes = "tartas-y-encargos.md";
const payments = "pagos-y-devoluciones.txt";
const faq = "preguntas-frecuentes.json";
const catalog = "catalogo.csv";

export const retrievalCases: RetrievalCase[] = [
  // Español
  {
    query: "a que hora abren el domingo",
    sources: [hours],
    location: "Horarios y festivos > Horario de la tienda",
  },
  {
    query: "abris el 25 de diciembre?",
    sources: [hours],
    location: "Horarios y festivos > Festivos y cierres",
  },
  { query: "horario de verano", sources: [hours], location: "Horarios y festivos > Horario de verano" },
  { query: "orario en agosto", sources: [hours], location: "Horarios y festivos > Horario de verano" },
  { query: "tienen pan sin gluten", sources: [allergens, catalog] },
  { query: "precio de la tarta de queso", sources: [catalog, cakes] },
  {
    query: "cuanto cuesta el envio a benimaclet",
    sources: [delivery],
    location: "Envíos a domicilio > Zonas y precios de envío",
  },
  {
    query: "haceis tartas personalizadas para cumpleaños?",
    sources: [cakes],
    location: "Tartas y encargos > Tartas por encargo",
  },
  {
    query: "con cuanta antelacion tengo q encargar una tarta",
    sources: [cakes],
    location: "Tartas y encargos > Plazos",
  },
  { query: "si cancelo el encargo me devolveis la señal?", sources: [cakes, payments] },
  { query: "donde estais", sources: [about], location: "Panadería La Espiga > Dónde estamos" },
  { query: "direccion de la panaderia", sources: [about] },
  { query: "se puede aparcar cerca?", sources: [about], location: "Panadería La Espiga > Dónde estamos" },
  { query: "aceptais bizum", sources: [payments, faq] },
  { query: "necesito factura con nif", sources: [payments], location: "paragraph 4" },
  { query: "el croissant lleva huevo?", sources: [catalog, allergens] },
  { query: "teneis algo vegano", sources: [allergens, catalog] },
  { query: "mi hijo es alergico a los frutos secos", sources: [allergens] },
  { query: "quiero poner una reclamacion", sources: [payments] },
  { query: "se puede reservar pan para el domingo", sources: [faq], location: "faq[0]" },
  { query: "teneis wifi", sources: [faq], location: "faq[1]" },
  { query: "puedo ir con mi perro", sources: [faq, about] },
  { query: "cuanto dura el pan de masa madre", sources: [faq], location: "faq[4]" },
  { query: "roscon de reyes", sources: [cakes, catalog] },
  {
    query: "busco trabajo de panadero",
    sources: [about],
    location: "Panadería La Espiga > Trabajar con nosotros",
  },
  {
    query: "repartis los lunes?",
    sources: [delivery],
    location: "Envíos a domicilio > Cómo funciona el reparto",
  },
  {
    query: "pedido minimo para envio a domicilo",
    sources: [delivery],
    location: "Envíos a domicilio > Cómo funciona el reparto",
  },
  { query: "mi pedido LE-2051 donde esta", sources: [faq, cakes] },
  { query: "teneis tarjeta de puntos o de cliente", sources: [payments, faq] },
  { query: "que pan integral teneis", sources: [catalog] },
  { query: "me llego la tarta rota, que hago", sources: [delivery, payments] },
  { query: "cuanto vale una barra de pan", sources: [catalog] },
  { query: "lleváis pan a restaurantes?", sources: [about, faq] },
  // English
  {
    query: "do u deliver to centro?",
    sources: [delivery],
    location: "Home delivery > Delivery areas and fees",
  },
  {
    query: "what time do you close on saturday",
    sources: [hours],
    location: "Opening hours and holidays > Shop hours",
  },
  {
    query: "are you open on new years day",
    sources: [hours],
    location: "Opening hours and holidays > Public holidays and closures",
  },
  { query: "gluten free bread?", sources: [allergens, catalog] },
  {
    query: "how much is a birthday cake for 12 people",
    sources: [cakes],
    location: "Cakes and orders > Custom cakes",
  },
  { query: "vegan croissant", sources: [catalog, allergens] },
  { query: "do you take credit cards", sources: [payments] },
  { query: "refund policy", sources: [payments] },
  {
    query: "how far in advance should i order a wedding cake",
    sources: [cakes],
    location: "Cakes and orders > Notice needed",
  },
  { query: "where r u located", sources: [about], location: "La Espiga Bakery (English) > Where to find us" },
  {
    query: "is there parking nearby",
    sources: [about],
    location: "La Espiga Bakery (English) > Where to find us",
  },
  { query: "do you have wifi", sources: [faq], location: "faq[15]" },
  { query: "whats in the almond croissant", sources: [catalog] },
  { query: "price of rye bread", sources: [catalog] },
  { query: "can i bring my dog inside", sources: [faq] },
  { query: "sourdough bread making class", sources: [faq], location: "faq[19]" },
  { query: "cheesecake price", sources: [catalog, cakes] },
  { query: "do you deliver on sundays", sources: [delivery], location: "Home delivery > How delivery works" },
  { query: "wheres my order LE-1234", sources: [faq, cakes] },
  { query: "nut allergy", sources: [allergens] },
  {
    query: "how much does delivery to ruzafa cost",
    sources: [delivery],
    location: "Home delivery > Delivery areas and fees",
  },
  { query: "can i cancel my cake order and get my deposit back", sources: [cakes, payments] },
  { query: "do you sell gift vouchers", sources: [payments, faq] },
  // Held out: written after the query handling was tuned on the questions above, and not tuned on.
  { query: "teneis pan de centeno?", sources: [catalog, allergens] },
  {
    query: "a q hora sale el pan del horno",
    sources: [hours],
    location: "Horarios y festivos > Horario de la tienda",
  },
  { query: "abris en fallas", sources: [hours], location: "Horarios y festivos > Festivos y cierres" },
  {
    query: "cuanto cuesta la foto comestible",
    sources: [cakes],
    location: "Tartas y encargos > Tartas por encargo",
  },
  { query: "la tarta de santiago lleva harina", sources: [catalog, allergens] },
  { query: "hay descuento en el pan del final del dia", sources: [faq], location: "faq[3]" },
  { query: "hacen talleres de pan", sources: [faq], location: "faq[5]" },
  { query: "envian a torrent?", sources: [faq, delivery] },
  { query: "se puede pagar con ticket restaurante", sources: [faq], location: "faq[13]" },
  { query: "que alergenos tiene la napolitana de chocolate", sources: [catalog] },
  {
    query: "what time does the shop open tomorrow",
    sources: [hours],
    location: "Opening hours and holidays > Shop hours",
  },
  { query: "do you have lactose free options", sources: [allergens] },
  { query: "is the rye bread vegan", sources: [allergens, catalog] },
  { query: "can i get an invoice", sources: [payments] },
  { query: "how long does a sourdough loaf last", sources: [faq], location: "faq[18]" },
  { query: "do you supply cafes", sources: [about, faq] },
  {
    query: "what is the delivery fee to el carmen",
    sources: [delivery],
    location: "Home delivery > Delivery areas and fees",
  },
  {
    query: "can i change the message on my cake",
    sources: [cakes],
    location: "Cakes and orders > Changes and cancellations",
  },
];
