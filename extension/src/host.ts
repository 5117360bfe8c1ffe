// One conversation with Ninsho through its native messaging host: a port the browser keeps
// open (and that keeps Chromium's service worker alive) while a pairing or a first fill waits
// for the person in Ninsho's own dialog. One request at a time; answers come back in order.

import { api } from "./api";
import type { Answer } from "./messages";

export const HOST = "io.ninsho.host";

export class Host {
  private port: chrome.runtime.Port | null = null;
  private waiting: ((a: Answer) => void)[] = [];

  private open(): chrome.runtime.Port {
    if (this.port) return this.port;
    const port = api.runtime.connectNative(HOST);
    port.onMessage.addListener((m: unknown) => this.waiting.shift()?.(m as Answer));
    port.onDisconnect.addListener(() => {
      this.port = null;
      // The host could not start (not installed) or went away: every waiting request hears so.
      for (const w of this.waiting.splice(0)) w({ type: "app_not_running", message: "" });
    });
    this.port = port;
    return port;
  }

  ask(message: object): Promise<Answer> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      try {
        this.open().postMessage(message);
      } catch {
        this.waiting.pop();
        resolve({ type: "app_not_running", message: "" });
      }
    });
  }

  close() {
    this.port?.disconnect();
    this.port = null;
  }
}
