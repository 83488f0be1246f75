"""Reading the served studio in a real browser: Chromium's flags, and the characters its terminal shows."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

#: Flags that work in containers and keep Chromium from calling home.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# textual.js keeps its xterm.js terminal to itself; this catches the object that owns it when it is
# built, so that the test reads the characters the browser shows rather than the server's output.
CATCH_TERMINAL = """
window.__coachTerminals = [];
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal) window.__coachTerminals.push(this);
  },
});
"""

READ_SCREEN = """() => {
  const owner = window.__coachTerminals[0];
  if (!owner) return null;
  const terminal = owner.terminal, buffer = terminal.buffer.active, rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""
