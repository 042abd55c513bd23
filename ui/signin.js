// The sign-in page: POST /api/auth/login, or with a setup link's secret
// (in the URL fragment, which no server log or Referer ever sees)
// POST /api/auth/setup. The answer's session cookie is HttpOnly; the page
// never touches it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const secret = location.pathname === "/setup" ? location.hash.slice(1) : "";
  const form = document.getElementById("form");
  const msg = document.getElementById("msg");
  if (secret) {
    document.getElementById("title").textContent = "Set your password";
    document.getElementById("setup-note").hidden = false;
    document.getElementById("admin-fields").hidden = false;
    document.getElementById("login-fields").hidden = true;
    document.getElementById("totp-field").hidden = true;
    form.password.autocomplete = "new-password";
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = secret
      ? { token: secret, password: form.password.value, email: form.email.value, displayName: form.displayName.value, totp: form.totp.value }
      : { email: form.loginEmail.value, password: form.password.value, totp: form.totp.value };
    const res = await fetch(secret ? "/api/auth/setup" : "/api/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const out = await res.json();
    // A user with two-factor authentication on sends a code with a setup
    // link too: the link resets the password, not the second factor.
    if (out.code === "totp_required") document.getElementById("totp-field").hidden = false;
    msg.className = res.ok ? "" : "err";
    msg.textContent = res.ok ? "Signed in as " + out.principal.id + "." : out.detail;
    if (res.ok) {
      history.replaceState(null, "", "/");
      setTimeout(() => { location.href = "/"; }, 800);
    }
  });
});
