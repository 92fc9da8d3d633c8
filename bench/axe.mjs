// axe-core (WCAG 2.1 A/AA + best practices) over the page's flows at desktop and phone
// sizes, in Debian's Chromium through playwright-core. Prints one line per page and size:
// violations (rules) and affected nodes, the rules by id, and where the verdict starts.
//   npm install --prefix /tmp/axe axe-core@4.14.1 playwright-core
//   NODE_PATH=/tmp/axe/node_modules node bench/axe.mjs http://127.0.0.1:8080
import { createRequire } from "module";
const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const axePath = require.resolve("axe-core/axe.min.js");

const base = process.argv[2] || "http://127.0.0.1:8080";
const pages = {
  empty: "/",
  pair: "/?amp=objective2&load=sennheiser-hd600",
  compare: "/?amp=objective2&amp=bryston-b1353&load=sennheiser-hd600&load=beyerdynamic-dt1990-pro",
  speaker: "/?amp=bryston-4b&load=kef-ls50-meta&distance=3",
  fbclid: "/?amp=objective2&load=sennheiser-hd600&fbclid=IwAR0abc&utm_source=x",
  custom: "/?amp_power=500&amp_ohm=32&load=sennheiser-hd600",
  inline: "/?amp=bryston-b1353&load=sennheiser-hd600",
  track: "/?amp=objective2&load=sennheiser-hd600&track_lufs=-14&track_dbtp=0.5&level=85",
  adapter: "/?amp=bryston-4b&load=sennheiser-hd600",
  error: "/?amp=zzzz&load=sennheiser-hd600",
  rank: "/rank?load=sennheiser-hd600",
  explain: "/explain",
};
const sizes = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let total = 0;
for (const [sname, size] of Object.entries(sizes)) {
  const ctx = await browser.newContext({ viewport: size });
  const page = await ctx.newPage();
  for (const [name, path] of Object.entries(pages)) {
    await page.goto(base + path);
    await page.addScriptTag({ path: axePath });
    const res = await page.evaluate(async () => {
      const r = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"] });
      const el = document.getElementById("result") || document.getElementById("verdict");
      return {
        v: r.violations.map((v) => `${v.id}×${v.nodes.length}`),
        nodes: r.violations.reduce((n, v) => n + v.nodes.length, 0),
        top: el ? Math.round(el.getBoundingClientRect().top + window.scrollY) : null,
        scrolled: Math.round(window.scrollY),
      };
    });
    total += res.v.length;
    console.log(`${sname.padEnd(7)} ${name.padEnd(8)} violations ${res.v.length} nodes ${res.nodes} verdict_top ${res.top} scrolled ${res.scrolled} ${res.v.join(" ")}`);
  }
  await ctx.close();
}
await browser.close();
console.log(`total violations ${total}`);
