/**
 * Hand-made test-split questions paired with a rewording (the same question:
 * a leak) or with another question on the same topic (not a leak). Labels are
 * by meaning, not by any similarity measure: do not relabel a pair to make a
 * test pass.
 */
/** Test-split questions, and questions a training row might ask. */
export const contaminatedQuestionPairs: [string, string][] = [
  ["a que hora abren el domingo", "¿A qué hora abren el domingo?"],
  ["cuanto cuesta el envio a benimaclet", "¿Cuánto cuesta el envío a Benimaclet?"],
  [
    "con cuanta antelacion tengo q encargar una tarta",
    "¿Con cuánta antelación tengo que encargar una tarta?",
  ],
  ["si cancelo el encargo me devolveis la señal?", "Si cancelo el encargo, ¿me devolvéis la señal?"],
  ["mi hijo es alergico a los frutos secos", "Mi hijo es alérgico a los frutos secos, ¿qué puede comer?"],
  ["how far in advance should i order a wedding cake", "How far in advance should I order a wedding cake?"],
  ["what time do you close on saturday", "What time do you close on Saturdays?"],
  ["how much does delivery to ruzafa cost", "How much does delivery to Ruzafa cost, please?"],
  [
    "can i cancel my cake order and get my deposit back",
    "Can I cancel my cake order and get the deposit back?",
  ],
  ["do you have lactose free options", "Do you have any lactose-free options?"],
  ["cuanto dura el pan de masa madre", "¿Cuánto me dura el pan de masa madre?"],
  ["what is the delivery fee to el carmen", "What's the delivery fee to El Carmen?"],
  ["se puede pagar con ticket restaurante", "¿Se puede pagar con ticket restaurante?"],
  ["que alergenos tiene la napolitana de chocolate", "Qué alérgenos tiene la napolitana de chocolate"],
];

/** Test-split questions, and questions on the same topic that ask another thing. */
export const cleanQuestionPairs: [string, string][] = [
  ["a que hora abren el domingo", "¿A qué hora cerráis el sábado por la tarde?"],
  ["cuanto cuesta el envio a benimaclet", "¿Repartís en Torrent o en Paterna?"],
  ["con cuanta antelacion tengo q encargar una tarta", "¿Qué sabores de tarta de cumpleaños tenéis?"],
  ["mi hijo es alergico a los frutos secos", "¿La tarta de Santiago lleva harina de trigo?"],
  ["how far in advance should i order a wedding cake", "How much does a wedding cake for 80 guests cost?"],
  ["what time do you close on saturday", "What time does the second batch of bread come out?"],
  ["how much does delivery to ruzafa cost", "Do you deliver on Mondays in August?"],
  ["can i cancel my cake order and get my deposit back", "Can I pay the deposit for my cake by Bizum?"],
  ["do you have lactose free options", "Do you have oat milk for the coffee?"],
  ["cuanto dura el pan de masa madre", "¿Cuántas horas fermenta el pan de masa madre?"],
  ["what is the delivery fee to el carmen", "What is the minimum order for home delivery?"],
  ["se puede pagar con ticket restaurante", "¿Se puede pagar con tarjeta en los envíos a domicilio?"],
  ["que alergenos tiene la napolitana de chocolate", "¿Cuánto cuesta la napolitana de chocolate?"],
  ["do you supply cafes", "Do you sell coffee to take away?"],
];
