/** Entry: the theme before the first paint of the app, then the app. */
import { render } from "preact";
import { App } from "./app";
import { applyTheme, loadTheme } from "./lib/theme";
import "./styles.css";

applyTheme(loadTheme());
const root = document.getElementById("app");
if (root) render(<App />, root);
