import { foldText } from "./fold-text.js";

/**
 * A small, curated bilingual (Spanish ↔ English) lexicon of the words
 * customers of small businesses and public desks use, grouped by meaning:
 * the words of one group stand for each other in search. It bridges an
 * English question to Spanish-only documents and back ("opening hours" meets
 * "Horario", "queja" meets "complaints"), and names the business's own facts
 * (address, phone, hours) the way documents word them ("Where are you
 * located?" meets "Dónde estamos"). Hand-written, not learned: a business
 * can read it, and it is no substitute for an embedding model, which bridges
 * any words (see `embeddingModel` in the agent spec).
 *
 * Words are folded (lower case, no accents). Plural and verb forms need not be
 * listed: search adds them (`termVariants`). A word in two groups belongs to
 * both.
 */
const groups: readonly string[] = [
  // The business itself.
  "horario horarios hora horas abrir abrimos abren abris abre abierto abierta apertura cerrar cerramos cierran " +
    "cerrais cierra cierre hours hour open opens opening close closes closing closed schedule timetable",
  "direccion ubicacion ubicados ubicado situados situado localizacion donde encontrarnos address located location " +
    "locate where find street calle",
  "telefono llamar llamarnos phone telephone call calling whatsapp contacto contact",
  "correo email mail contacto contact",
  "llegar llego transporte metro autobus bus directions",
  "aparcar aparcamiento parking park aparco",
  // Money.
  "precio precios cuesta cuestan coste costo cuanto vale valen tarifa tarifas importe gratis gratuito gratuita price " +
    "prices cost costs fee fees charge charges rate rates free",
  "pago pagos pagar pagais payment payments pay paying",
  "efectivo cash",
  "gratis gratuito gratuita free",
  "descuento descuentos oferta ofertas rebaja discount discounts offer offers",
  "factura facturas invoice invoices receipt",
  "reembolso reembolsos devolucion devoluciones devolver devolveis devolvais devuelven devuelvan refund refunds return " +
    "returns money",
  "senal deposit",
  "tarjeta card",
  "seguro seguros mutua aseguradora insurance insurer",
  "financiar financiacion plazos installments instalments finance financing",
  // Service.
  "envio envios enviar enviais reparto repartir repartis repartimos domicilio entrega entregas delivery deliver " +
    "deliveries shipping ship",
  "pedido pedidos encargo encargos encargar pedir pido order orders ordering",
  "reserva reservas reservar reservation reservations book booking",
  "cita citas appointment appointments",
  "cancelar cancelacion anular cancel cancellation cancelling",
  "cambiar cambio cambios change changes exchange",
  "garantia warranty guarantee",
  "reparar reparacion reparaciones arreglar arreglo arreglais repair repairs repairing fix fixing",
  "revision revisiones mantenimiento puesta service servicing checkup check tune maintenance",
  "alquiler alquilar alquilais rent rental rentals hire",
  "urgencia urgencias urgente emergencia emergency emergencies urgent",
  "espera esperar wait waiting",
  "queja quejas quejarme quejar reclamacion reclamaciones reclamar complaint complaints complain",
  "trabajo empleo trabajar curriculum job jobs work career careers cv",
  "idioma idiomas ingles english language languages speak hablais",
  "nino ninos nina ninas infantil hijo hija hijos children child kids kid",
  "perro perros mascota mascotas dog dogs pet pets",
  "wifi internet",
  "accesible accesibilidad silla ruedas wheelchair accessible accessibility",
  "regalo regalos gift gifts voucher",
  "online web internet website",
  "formulario formularios solicitud solicitar instancia form forms application apply",
  "documento documentos documentacion papeles document documents documentation papers paperwork",
  // Days and times.
  "lunes monday mondays",
  "martes tuesday tuesdays",
  "miercoles wednesday wednesdays",
  "jueves thursday thursdays",
  "viernes friday fridays",
  "sabado sabados saturday saturdays",
  "domingo domingos sunday sundays",
  "finde weekend weekends",
  "festivo festivos fiesta fiestas holiday holidays",
  "verano summer",
  "agosto august",
  "diciembre december",
  "navidad christmas",
  // Food and health.
  "pan panes bread breads loaf loaves",
  "tarta tartas pastel pasteles cake cakes",
  "bolleria pasteleria pastries pastry",
  "cumpleanos birthday",
  "boda bodas wedding weddings",
  "gluten celiaco celiaca celiacos celiacas celiaquia coeliac celiac",
  "vegano vegana veganos veganas vegan",
  "lactosa leche lactose milk dairy",
  "azucar sugar",
  "frutos secos nuts nut",
  "alergia alergias alergico alergica alergicos alergenos alergeno allergy allergies allergic allergen allergens",
  "anafilaxia anaphylaxis",
  "ingrediente ingredientes ingredient ingredients",
  "diente dientes muela muelas tooth teeth molar",
  "dentista odontologo dentist",
  "limpieza limpiezas cleaning clean hygiene higiene",
  "blanqueamiento blanquear whitening whiten",
  "ortodoncia brackets braces aligners alineadores invisalign orthodontics orthodontic",
  "implante implantes implant implants",
  "empaste empastes caries filling fillings cavity cavities",
  "extraccion extraer sacar extraction extract",
  "dolor duele pain hurts ache toothache",
  "radiografia radiografias xray",
  "anestesia anaesthesia anesthesia",
  "embarazada embarazo pregnant pregnancy",
  // Bikes and shops.
  "bicicleta bicicletas bici bicis bike bikes bicycle bicycles cycle",
  "electrica electricas ebike ebikes electric",
  "rueda ruedas wheel wheels",
  "pinchazo pinchazos pinchada pinchado camara puncture punctures flat tube",
  "neumatico neumaticos cubierta cubiertas tyre tyres tire tires",
  "freno frenos brake brakes",
  "cadena cadenas chain chains",
  "casco cascos helmet helmets",
  "bateria baterias battery batteries",
  "usada usadas usado usados used secondhand second",
  "talla tallas tamano size sizes",
  "stock existencias disponible disponibles available availability",
  // Public services.
  "ayuntamiento consistorial council hall",
  "empadronamiento empadronarse empadronar padron census registration register",
  "certificado certificados volante certificate certificates",
  "impuesto impuestos tasa tasas tributo tax taxes",
  "ibi property",
  "multa multas sancion fine fines penalty",
  "basura basuras residuos recogida tirar rubbish garbage waste trash collection rid",
  "enseres muebles mueble voluminosos sofa sofas colchon colchones armario furniture bulky mattress mattresses",
  "biblioteca bibliotecas library libraries",
  "piscina piscinas pool pools swimming",
  "polideportivo deporte deportes deportivo sports gym",
  "licencia licencias permiso permisos licence license licences licenses permit permits",
  "obra obras reforma reformas building works renovation",
  "nacimiento birth",
  "matrimonio casarse marriage married",
  "dni nie identidad id passport pasaporte",
  "sede electronica digital",
  "tramite tramites gestion gestiones procedure procedures errand",
  "ayuda ayudas subvencion subvenciones beca becas grant grants subsidy subsidies aid",
  "vado garage driveway",
  "vehiculo vehiculos coche coches turismo car cars vehicle vehicles",
  "oficina oficinas office offices desk",
  "ciudadana ciudadano ciudadanos citizen citizens",
  "ropa maillot maillots camiseta jersey jerseys clothes clothing",
  "requisitos requisito necesito necesitas necesita necesario necesaria need needs needed required requirements",
  "residente residentes resident residents",
];

const related = new Map<string, Set<string>>();
for (const group of groups) {
  const members = foldText(group).split(/\s+/).filter(Boolean);
  for (const word of members) {
    const set = related.get(word) ?? new Set<string>();
    for (const other of members) if (other !== word) set.add(other);
    related.set(word, set);
  }
}

/** Every word of the lexicon (folded), for spelling correction. */
export const lexiconWords: readonly string[] = [...related.keys()];

/**
 * The words the lexicon says stand for a folded `word` (not including it);
 * empty when it has none.
 */
export function relatedWords(word: string): string[] {
  return [...(related.get(word) ?? [])];
}

/**
 * Phrases whose words mean more together than apart, rewritten to one word
 * the lexicon knows before the question's topic words are taken: "how much"
 * is a price, "what time" an hour. Folded text in, folded text out.
 */
const phrases: readonly [RegExp, string][] = [
  [/\bhow much\b/g, "price"],
  [/\b(phone|telephone) number\b/g, "phone"],
  [/\bnumero de (telefono|movil|whatsapp)\b/g, "telefono"],
  [/\bsecond hand\b/g, "used"],
  [/\bwhat time\b/g, "hours"],
  [/\bwhen (are|do) you (open|close)\b/g, "hours"],
  [/\ba que hora\b/g, "hora"],
  [/\bsin cita\b/g, "cita"],
  [/\bcuanto (cuesta|cuestan|vale|valen|es|sale|cobrais)\b/g, "precio"],
  [/\b(de )?segunda mano\b/g, "usada"],
  [/\bwhere (are|is) (you|your|the (shop|store|office|clinic|bakery|town hall|hall))\b/g, "address"],
  [/\bdonde (estais|estan|esta|quedais|queda|os encuentro|se encuentra)\b/g, "direccion"],
  [/\bhow (do|can) i get (there|to you)\b/g, "directions"],
  [/\bcomo (llego|se llega|llegar)\b/g, "llegar"],
];

/** `folded` with the lexicon's phrases rewritten (see `phrases`). */
export function rewritePhrases(folded: string): string {
  let text = folded;
  for (const [pattern, replacement] of phrases) text = text.replace(pattern, replacement);
  return text;
}
