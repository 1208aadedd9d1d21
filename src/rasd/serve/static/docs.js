// Starts the bundled Swagger UI on the server's own OpenAPI document (a file of its own: the
// page's Content-Security-Policy allows no inline script).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // the UI asks no outside validator about the document
  validatorUrl: null,
});
