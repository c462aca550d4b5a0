/** The local issuer's pages: a sign-in form and a sign-out form that submits itself. Plain HTML, no script but that one. */

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `body{font-family:system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#1e293b;padding:2rem;border-radius:12px;width:min(22rem,90vw)}h1{font-size:1.25rem;margin:0 0 .25rem}
p{color:#94a3b8;font-size:.9rem}label{display:block;margin:.75rem 0 .25rem;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:.5rem;border-radius:6px;border:1px solid #475569;background:#0f172a;color:inherit}
button{margin-top:1rem;width:100%;padding:.6rem;border:0;border-radius:6px;background:#6366f1;color:#fff;font-weight:600;cursor:pointer}
.error{color:#fca5a5}`;

/** The sign-in form of one interaction. */
export function loginPage(input: { uid: string; email?: string; error?: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · Revenue Heartbeat</title><style>${STYLE}</style></head><body><main>
<h1>Sign in to Revenue Heartbeat</h1><p>Local identity provider (stands in for Cognito's managed login).</p>
${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>` : ''}
<form method="post" action="/interaction/${esc(input.uid)}/login" autocomplete="off">
<label for="email">E-mail</label><input id="email" name="email" type="email" required autofocus value="${esc(input.email ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form></main></body></html>`;
}

/** oidc-provider's sign-out confirmation, submitted at once (the dashboard's "Sign out" already asked). */
export function logoutPage(form: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing out…</title><style>${STYLE}</style></head>
<body><main><p>Signing out…</p>${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}
<script>document.forms[0].submit()</script></main></body></html>`;
}

/** Shown when sign-out finished without a way back to the app. */
export function loggedOutPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title><style>${STYLE}</style></head>
<body><main><h1>Signed out</h1></main></body></html>`;
}
