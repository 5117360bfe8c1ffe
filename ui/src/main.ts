import { mount } from "svelte";
import App from "./App.svelte";
import Palette from "./Palette.svelte";
import "./app.css";

// The same page serves the main window and the quick-pick palette (`index.html#pick`).
const target = document.getElementById("app");
if (target) mount(location.hash === "#pick" ? Palette : App, { target });
