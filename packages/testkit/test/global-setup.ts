/** The API tests here run the built server: build it first when it is missing or stale. */
import { ensureBuilt } from "../src/build.js";

export default function setup() {
  ensureBuilt();
}
