import { join } from "node:path";
import { REPO_ROOT } from "@windback/testkit";

/** Where `pnpm bench` and the reliability suite write their numbers. */
export const RESULTS_DIR = join(REPO_ROOT, "bench/results");
/** The widget's sources, loaded by the fault tests to check it fails open against a 503. */
export const WIDGET_SRC = join(REPO_ROOT, "packages/widget/src");
