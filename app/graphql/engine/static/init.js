// Starts GraphiQL against this server's own /graphql endpoint. Every script and style of the
// playground is served by the API itself, so it works on a machine without internet access.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname.replace(/\/$/, "") });
  var defaultQuery =
    "# Welcome to Envelopes. Sign up, then put the accessToken in the Headers tab:\n" +
    '# { "Authorization": "Bearer <accessToken>" }\n\n' +
    "mutation Register {\n" +
    '  register(input: {email: "me@example.com", password: "a long passphrase", displayName: "Me"}) {\n' +
    "    accessToken refreshToken user { id email displayName }\n" +
    "    userErrors { field message code }\n" +
    "  }\n}\n\nquery Me {\n  me { id email displayName avatarColor }\n}\n";
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolbarOpen: true,
      shouldPersistHeaders: false,
    })
  );
})();
