import type { EvalBusiness } from "./answer-eval.js";
import { ayuntamientoVillanueva } from "./businesses/ayuntamiento-villanueva/cases.js";
import { ciclosTuria } from "./businesses/ciclos-turia/cases.js";
import { clinicaSonrisa } from "./businesses/clinica-sonrisa/cases.js";
import { laEspiga } from "./businesses/la-espiga.cases.js";

/** The businesses of the answer-level evaluation, the demo bakery first. */
export const businesses: EvalBusiness[] = [laEspiga, ciclosTuria, clinicaSonrisa, ayuntamientoVillanueva];
