import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App, makeQueryClient } from "./App";
import { ensureCsrfCookie } from "./api/queries";
import "./styles.css";

void ensureCsrfCookie().catch(() => undefined);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App client={makeQueryClient()} />
  </StrictMode>,
);
