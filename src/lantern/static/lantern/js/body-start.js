// Loaded synchronously at the start of <body> (no inline scripts: strict CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
