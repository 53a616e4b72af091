// The API's Swagger UI, started from a file rather than an inline script (the CSP allows none):
// its settings come from the page's JSON, the session's CSRF token from the body.
const settings = JSON.parse(document.getElementById("swagger-settings").textContent);
const csrfToken = document.body.dataset.csrfToken;
settings.dom_id = "#swagger-ui";
settings.presets = [SwaggerUIBundle.presets.apis];
if (csrfToken) {
  settings.requestInterceptor = (request) => {
    request.headers["X-CSRFToken"] = csrfToken;
    return request;
  };
}
SwaggerUIBundle(settings);
