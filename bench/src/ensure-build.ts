/** `pnpm test:reliability` runs this first: the suite exercises the built API. */
import { ensureBuild } from "./lib/build.js";

ensureBuild();
