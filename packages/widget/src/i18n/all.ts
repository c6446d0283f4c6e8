/** Every language bundled at once: used by the iframe page, whose size is not budgeted. */
import ar from "./ar.json";
import de from "./de.json";
import en from "./en.json";
import es from "./es.json";
import fr from "./fr.json";
import type { Strings } from "./index";

export const ALL_STRINGS = { ar, de, en, es, fr } as unknown as Record<string, Strings>;
