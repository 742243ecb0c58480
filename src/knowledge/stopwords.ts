/**
 * Greetings, thanks and chat filler: never a topic, even in a question made of
 * stopwords only (`hola` must not find the chunk with `hola@…` in it).
 */
export const fillers: ReadonlySet<string> = new Set(
  "hola buenas buenos dias tardes noches gracias favor porfa porfavor vale ok oye mira hello hey hi thanks thank please pls plz lol".split(
    " ",
  ),
);

/**
 * Words that carry no topic in a customer's question (with the day a question
 * is asked on, `hoy`/`today`, and the verbs of buying and selling: "do you
 * sell pizza?" is about pizza), folded (no accents,
 * lower case), Spanish and English, with chat shorthand (`q`, `xq`, `tb`,
 * `u`, `pls`). Left out of BM25 queries (in an OR query a frequent word like
 * `que` only adds noise) and of the confidence measure.
 */
export const stopwords: ReadonlySet<string> = new Set(
  `
a al ante bajo con contra de del desde durante e el ella ellas ellos en entre era eres es esa esas ese eso esos esta
estas este esto estos esta estan estais estamos estar estoy fue ha han has hay he hemos hacia hasta la las le les lo
los me mi mis muy nos nosotros o os para pero por porque que quien quienes se ser si sin so sobre son soy su sus te
ti tu tus u un una unas uno unos usted ustedes vosotros vuestra vuestro vuestros vuestras y ya yo cual cuales como
cuando donde cuanto cuanta cuantos cuantas algo alguna alguno algunos algunas algun tambien tampoco mas menos aqui
alli ahi tienen tiene teneis tenes tengo tenemos puedo puede pueden podeis podemos podria podrian quiero quisiera
queria queremos saber sabeis hacen hace haceis hago hola buenas buenos dias tardes noches
gracias favor porfa porfavor vale ok oye mira hay otra otro otros otras cosa cosas estaria seria gustaria
q k xq pq porq tb tmb tbn d x pa
hoy ahora vender vende venden vendes vendeis comprar compro ver ir venir
an and are as at be been being but by can could did do does doing don t s for from had has have having hello hey
hi how i if im in is it its just let me my no not of on or our ours please pls plz so some than thank thanks that
the their them then there these they this those to too u ur us was we were what whats when where which who whom
why will with would you your yours any anything am also want wanna get got like much many tell know lol
today now tonight tomorrow sell sells selling buy see go come friendly
`
    .split(/\s+/)
    .filter((word) => word !== ""),
);
