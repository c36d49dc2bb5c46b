/** The one small stylesheet of the hosted pages (served at /static/latchkey.css, no inline styles). */
export const stylesheet = `
:root { --accent: #0f6cbd; --text: #1b1b1b; --muted: #5c5c5c; --error: #b10e1c; --bg: #f3f5f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg); }
.card { max-width: 440px; margin: 8vh auto; background: #fff; padding: 2rem 2.5rem; border-radius: 8px; box-shadow: 0 2px 8px rgba(0,0,0,.12); }
.card.reference { max-width: 960px; }
.reference table { border-collapse: collapse; margin: .5rem 0; }
.reference th, .reference td { text-align: left; padding: .2rem .75rem .2rem 0; border-bottom: 1px solid #ddd; }
.operation { border-top: 1px solid #ddd; margin-top: 1.5rem; }
.tenant { margin: 0 0 .25rem; color: var(--muted); font-size: .9rem; text-transform: uppercase; letter-spacing: .05em; }
h1 { font-size: 1.5rem; margin: 0 0 1.25rem; font-weight: 600; }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input[type=email], input[type=password], input[type=text], input[type=number] { width: 100%; padding: .6rem .7rem; font-size: 1rem; border: 1px solid #8a8a8a; border-radius: 4px; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { display: block; width: 100%; margin-top: 1.25rem; padding: .65rem; font-size: 1rem; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
[hidden] { display: none !important; }
button.show-password { display: inline-block; width: auto; margin: .5rem 0 0; padding: .2rem .6rem; font-size: .9rem; font-weight: 400; background: #fff; color: var(--accent); border: 1px solid var(--accent); }
button.show-password[aria-pressed=true] { background: var(--accent); color: #fff; }
button.link { display: inline; width: auto; margin: 0; padding: 0; background: none; color: var(--accent); font-weight: 400; text-align: left; text-decoration: underline; white-space: nowrap; }
.identity { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: .75rem; margin-bottom: .5rem; }
.identity .email { font-weight: 600; overflow-wrap: anywhere; }
.links { margin: .75rem 0 0; }
a { color: var(--accent); }
.check { display: flex; align-items: center; gap: .5rem; margin: 1rem 0 0; }
.check label { margin: 0; font-weight: 400; }
.check input { margin: 0; }
.hint { margin: .25rem 0 0; color: var(--muted); font-size: .9rem; }
.error { color: var(--error); background: #fde7e9; padding: .5rem .75rem; border-radius: 4px; }
.detail { color: var(--muted); font-size: .9rem; }
pre { background: var(--bg); padding: 1rem; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; }
@media (max-width: 480px) { .card { margin: 0; min-height: 100vh; padding: 1.5rem 1.25rem; border-radius: 0; box-shadow: none; } }
`;
