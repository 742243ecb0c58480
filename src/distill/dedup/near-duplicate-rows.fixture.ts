/**
 * Hand-made near-duplicates and non-duplicates, written the way a teacher
 * model repeats itself: the same question re-punctuated, with a typo, a
 * synonym or a greeting, and the same answer give or take a sentence. The
 * non-duplicates are the hard cases: the same template about another product,
 * the same question in the other language, the same topic asking another
 * thing. Labels are by meaning (would a trainer want both rows?), not by any
 * similarity measure: do not relabel a pair to make a test pass.
 */
export interface QaText {
  q: string;
  a: string;
}

/** Conversation pairs that are one example twice. */
export const duplicateRowPairs: [QaText, QaText][] = [
  [
    {
      q: "¿A qué hora abrís los domingos?",
      a: "Los domingos abrimos de 8:00 a 14:30. A partir de las 12:00 puede quedar poco pan, porque solo hay hornada de mañana [S1].",
    },
    {
      q: "a que hora abris los domingos",
      a: "Los domingos abrimos de 8:00 a 14:30. A partir de las 12:00 puede quedar poco pan porque solo hay hornada de mañana [S1].",
    },
  ],
  [
    {
      q: "What time do you close on Saturday?",
      a: "On Saturdays we are open from 8:00 am to 8:30 pm, so we close at 8:30 pm [S1].",
    },
    {
      q: "what time do you close on saturdays??",
      a: "On Saturdays we're open from 8:00 am to 8:30 pm, so we close at 8:30 pm [S1].",
    },
  ],
  [
    {
      q: "¿Cuánto cuesta la hogaza de masa madre?",
      a: "La hogaza de masa madre cuesta 4,20 € el kilo. También tenemos media hogaza de 500 g por 2,30 € [S1].",
    },
    {
      q: "Hola! ¿Cuánto cuesta la hogaza de masa madre?",
      a: "¡Hola! La hogaza de masa madre cuesta 4,20 € el kilo. También tenemos media hogaza de 500 g por 2,30 € [S1].",
    },
  ],
  [
    {
      q: "Do you have gluten-free bread?",
      a: "Yes: a gluten-free buckwheat loaf at 5.50 € (500 g), on Wednesdays and Saturdays; best reserve it. It is made in a shared bakery, so it may contain traces [S1].",
    },
    {
      q: "Do you have any gluten free bread?",
      a: "Yes: a gluten-free buckwheat loaf at 5.50 € (500 g), on Wednesdays and Saturdays; it's best to reserve it. It is made in a shared bakery, so it may contain traces [S1].",
    },
  ],
  [
    {
      q: "¿El croissant de mantequilla lleva huevo?",
      a: "Sí, el croissant de mantequilla lleva gluten (trigo), leche y huevo. Si buscas uno sin huevo, el croissant vegano no lleva ni leche ni huevo [S1].",
    },
    {
      q: "el croisant de mantequilla lleva huevo?",
      a: "Sí, el croissant de mantequilla lleva gluten (trigo), leche y huevo. Si buscas uno sin huevo, el croissant vegano no lleva leche ni huevo [S1].",
    },
  ],
  [
    {
      q: "How much is delivery to Ruzafa?",
      a: "Delivery to Ruzafa is free for orders over 25 €; below that it costs 2.50 €. We deliver from Tuesday to Saturday, between 9:00 and 13:00 [S1].",
    },
    {
      q: "how much does delivery to ruzafa cost",
      a: "Delivery to Ruzafa is free for orders over 25 €; below that it costs 2.50 €. We deliver Tuesday to Saturday between 9:00 and 13:00 [S1].",
    },
  ],
  [
    {
      q: "¿Con cuánta antelación tengo que encargar una tarta?",
      a: "Las tartas por encargo se piden con al menos 48 horas de antelación; las de boda o de varios pisos, con dos semanas. Puedes encargarla en la tienda o por teléfono [S1].",
    },
    {
      q: "con cuanta antelacion hay que encargar una tarta?",
      a: "Las tartas por encargo se piden con al menos 48 horas de antelación; las de boda o de varios pisos, con dos semanas. Puedes encargarla en la tienda o por teléfono [S1].",
    },
  ],
  [
    {
      q: "Can I bring my dog inside?",
      a: "Dogs are welcome inside the shop as long as they are on a lead. We also have a water bowl by the door [S1].",
    },
    {
      q: "can I bring my dog in?",
      a: "Dogs are welcome inside the shop as long as they're on a lead. We also have a water bowl by the door [S1].",
    },
  ],
  [
    {
      q: "¿Aceptáis Bizum?",
      a: "Sí, aceptamos Bizum, tarjeta y efectivo. Para encargos de tartas, la señal también se puede pagar por Bizum [S1].",
    },
    {
      q: "¿Aceptáis Bizum? Gracias",
      a: "Sí, aceptamos Bizum, tarjeta y efectivo. Para encargos de tartas, la señal también se puede pagar por Bizum [S1]. ¡Gracias a ti!",
    },
  ],
  [
    {
      q: "Is the rye bread vegan?",
      a: "Our rye bread (3.80 €, 750 g) is 70% wholemeal rye and contains gluten from rye and wheat. It has no milk or egg, so it is vegan [S1].",
    },
    {
      q: "is your rye bread vegan",
      a: "Our rye bread (3.80 €, 750 g) is 70% wholemeal rye and contains gluten from rye and wheat. It has no milk or eggs, so yes, it is vegan [S1].",
    },
  ],
  [
    {
      q: "¿Hacéis tartas personalizadas para cumpleaños?",
      a: "Sí, hacemos tartas personalizadas por encargo, con mensaje y, si quieres, foto comestible (3 € más). Encárgala con 48 horas de antelación [S1].",
    },
    {
      q: "Hacéis tartas personalizadas de cumpleaños?",
      a: "Sí, hacemos tartas personalizadas por encargo, con mensaje y, si quieres, foto comestible (3 € más). Encárgala con 48 horas de antelación, por favor [S1].",
    },
  ],
  [
    {
      q: "Where are you located?",
      a: "We are at Calle de Sueca 21, in Ruzafa (Valencia), two minutes from the market. There is paid parking on Calle Cádiz [S1].",
    },
    {
      q: "where r u located",
      a: "We're at Calle de Sueca 21, in Ruzafa (Valencia), two minutes from the market. There is paid parking on Calle Cádiz [S1].",
    },
  ],
  [
    {
      q: "¿Dónde está mi pedido LE-2051?",
      a: "Tu pedido LE-2051 está en el horno y estará listo para recoger a las 17:30.",
    },
    {
      q: "¿dónde está mi pedido LE-2051?? ",
      a: "Tu pedido LE-2051 está en el horno y estará listo para recoger a las 17:30. ¡Gracias por tu paciencia!",
    },
  ],
  [
    {
      q: "Do you sell gift vouchers?",
      a: "Yes, we sell gift vouchers from 10 € in the shop. They are valid for a year and can be used for any product or cake order [S1].",
    },
    {
      q: "Do you sell gift cards or vouchers?",
      a: "Yes, we sell gift vouchers from 10 € in the shop. They are valid for a year and can be used for any product or cake order [S1].",
    },
  ],
  [
    {
      q: "¿Repartís los lunes?",
      a: "No, el reparto a domicilio es de martes a sábado, de 9:00 a 13:00. Los lunes no repartimos [S1].",
    },
    {
      q: "repartis los lunes??",
      a: "No, el reparto a domicilio es de martes a sábado, de 9:00 a 13:00. Los lunes no hay reparto [S1].",
    },
  ],
  [
    {
      q: "How long does a sourdough loaf last?",
      a: "A sourdough loaf keeps well for four or five days wrapped in a cloth; you can also slice and freeze it for up to three months [S1].",
    },
    {
      q: "How long does the sourdough loaf last?",
      a: "A sourdough loaf keeps well for four or five days wrapped in a cloth, and you can slice and freeze it for up to three months [S1].",
    },
  ],
];

/** Conversation pairs that are different examples, though they look alike. */
export const distinctRowPairs: [QaText, QaText][] = [
  [
    { q: "¿Cuánto cuesta el pan de centeno?", a: "El pan de centeno cuesta 3,80 € (750 g) [S1]." },
    { q: "¿Cuánto cuesta el pan de aceitunas?", a: "El pan de aceitunas cuesta 3,60 € (500 g) [S1]." },
  ],
  [
    { q: "What time do you open on Sunday?", a: "On Sundays we open at 8:00 am and close at 2:30 pm [S1]." },
    { q: "¿A qué hora abrís el domingo?", a: "El domingo abrimos a las 8:00 y cerramos a las 14:30 [S1]." },
  ],
  [
    {
      q: "Does the almond croissant contain nuts?",
      a: "Yes, the almond croissant contains nuts (almond), as well as gluten (wheat), milk and egg [S1].",
    },
    {
      q: "Does the carrot cake contain nuts?",
      a: "Yes, the carrot cake slice contains nuts (walnut), as well as gluten (wheat), egg and milk [S1].",
    },
  ],
  [
    {
      q: "¿Repartís a Benimaclet?",
      a: "Sí, repartimos en Benimaclet; el envío cuesta 3,50 € y es gratis a partir de 35 € [S1].",
    },
    {
      q: "¿Repartís a Torrent?",
      a: "No, Torrent está fuera de nuestra zona de reparto; solo repartimos en Valencia ciudad [S1].",
    },
  ],
  [
    {
      q: "Can I cancel my cake order?",
      a: "You can cancel up to 48 hours before pickup and we refund the deposit in full [S1].",
    },
    {
      q: "Can I change the message on my cake?",
      a: "Yes, you can change the message until 24 hours before pickup; just call the shop [S1].",
    },
  ],
  [
    {
      q: "¿Qué alérgenos tiene la napolitana de chocolate?",
      a: "La napolitana de chocolate lleva gluten (trigo), leche, huevo y soja [S1].",
    },
    { q: "¿Qué alérgenos tiene la ensaimada?", a: "La ensaimada lleva gluten (trigo) y huevo [S1]." },
  ],
  [
    { q: "Do you deliver on Sundays?", a: "No, we deliver from Tuesday to Saturday only [S1]." },
    { q: "Are you open on Sundays?", a: "Yes, on Sundays we are open from 8:00 am to 2:30 pm [S1]." },
  ],
  [
    {
      q: "Quiero encargar una tarta de queso para el sábado.",
      a: "¡Claro! La tarta de queso entera cuesta 24 € (6-8 raciones) y se encarga con 48 horas. ¿A nombre de quién la apunto?",
    },
    {
      q: "Quiero encargar un roscón de Reyes para el 6 de enero.",
      a: "¡Claro! El roscón mediano cuesta 22 € (8 raciones) y se encarga del 20 de diciembre al 6 de enero. ¿Lo quieres con relleno de nata, trufa o crema?",
    },
  ],
  [
    {
      q: "Is the vegan croissant available every day?",
      a: "No, the vegan croissant is only available on Saturdays and Sundays [S1].",
    },
    {
      q: "Is the spelt bread available every day?",
      a: "No, the wholemeal spelt bread is baked on Tuesdays, Thursdays and Saturdays [S1].",
    },
  ],
  [
    { q: "¿Tenéis wifi?", a: "Sí, hay wifi gratis para clientes; la contraseña está en el ticket [S1]." },
    {
      q: "¿Se puede pagar con ticket restaurante?",
      a: "Sí, aceptamos ticket restaurante en la tienda, pero no en los pedidos a domicilio [S1].",
    },
  ],
  [
    {
      q: "Where is my order LE-2051?",
      a: "Your order LE-2051 is in the oven and will be ready to collect at 5:30 pm.",
    },
    {
      q: "Where is my order LE-1234?",
      a: "I couldn't find an order LE-1234. Could you check the number on your receipt? I can also pass you to the team.",
    },
  ],
  [
    {
      q: "Me llegó la tarta rota, ¿qué hago?",
      a: "¡Lo siento mucho! Te paso con una persona del equipo para solucionarlo cuanto antes.",
    },
    {
      q: "Me llegó el pedido tarde, ¿qué hago?",
      a: "Siento el retraso. Cuéntame el número de pedido y lo reviso; si prefieres, te paso con el equipo.",
    },
  ],
  [
    {
      q: "What's in the almond croissant?",
      a: "It's a croissant filled with almond cream: gluten (wheat), milk, egg and nuts (almond), 2.10 € [S1].",
    },
    {
      q: "What's in the cinnamon roll?",
      a: "It's a cinnamon roll with cream-cheese frosting: gluten (wheat), milk and egg, 2.20 € [S1].",
    },
  ],
  [
    {
      q: "¿Cuál es el horario de verano?",
      a: "Del 15 de julio al 31 de agosto abrimos de lunes a sábado de 7:30 a 14:30 y de 17:30 a 20:30; los domingos, de 8:00 a 13:30 [S1].",
    },
    {
      q: "¿Cuál es el horario en Fallas?",
      a: "En Fallas, del 15 al 19 de marzo, abrimos de 7:00 a 22:00 y por la tarde vendemos buñuelos de calabaza [S1].",
    },
  ],
  [
    {
      q: "Do you have lactose-free options?",
      a: "Many of our breads have no milk: the country baguette, the ciabatta and the olive bread, for example [S1].",
    },
    {
      q: "Do you have egg-free options?",
      a: "The vegan croissant and most of our breads have no egg; the butter croissant and the cakes do [S1].",
    },
  ],
  [
    {
      q: "Busco trabajo de panadero.",
      a: "¡Gracias por tu interés! Envía tu currículum a la dirección de la web; contestamos a todas las candidaturas [S1].",
    },
    {
      q: "¿Hacéis talleres de pan?",
      a: "Sí, un sábado al mes hacemos un taller de masa madre de tres horas; cuesta 45 € con materiales [S1].",
    },
  ],
];
