/** `pnpm test:reliability` runs this first: the suite exercises the built API. */
import { ensureBuilt } from "@windback/testkit";

ensureBuilt();
