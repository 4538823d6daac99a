import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";

import { createClient } from "./apollo/client";
import { App } from "./App";
import { AuthProvider } from "./auth/AuthProvider";
import { browserTabBus, Session } from "./auth/session";
import { refreshWithCookie } from "./auth/transport";
import "./styles.css";

const session = new Session(() => refreshWithCookie(), browserTabBus());
const client = createClient(session);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <AuthProvider session={session}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </AuthProvider>
    </ApolloProvider>
  </StrictMode>,
);
