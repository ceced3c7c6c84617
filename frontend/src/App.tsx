import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Route, Routes } from "react-router";

import { ApiError } from "./api/errors";
import { keys } from "./api/queries";
import { RequireAuth } from "./components/RequireAuth";
import { ComparePage } from "./pages/ComparePage";
import { DatasetPage } from "./pages/DatasetPage";
import { DatasetsPage } from "./pages/DatasetsPage";
import { HomePage } from "./pages/HomePage";
import { JobPage } from "./pages/JobPage";
import { JobsPage } from "./pages/JobsPage";
import { LoginPage } from "./pages/LoginPage";
import { ModelsPage } from "./pages/ModelsPage";
import { NetworkEditorPage } from "./pages/NetworkEditorPage";
import { NetworkPage } from "./pages/NetworkPage";
import { NetworksPage } from "./pages/NetworksPage";
import { NewJobPage } from "./pages/NewJobPage";
import { NewSweepPage } from "./pages/NewSweepPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SweepPage } from "./pages/SweepPage";
import { SweepsPage } from "./pages/SweepsPage";
import { WorkersPage } from "./pages/WorkersPage";

export function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
        refetchOnWindowFocus: true,
      },
    },
    // a session that ended (logged out elsewhere, expired) sends the user to the login page
    queryCache: new QueryCache({ onError: (error) => sessionEnded(client, error) }),
    mutationCache: new MutationCache({ onError: (error) => sessionEnded(client, error) }),
  });
  return client;
}

function sessionEnded(client: QueryClient, error: unknown): void {
  if (error instanceof ApiError && error.status === 401) client.setQueryData(keys.me, null);
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route index element={<HomePage />} />
        <Route path="datasets" element={<DatasetsPage />} />
        <Route path="datasets/:id" element={<DatasetPage />} />
        <Route path="networks" element={<NetworksPage />} />
        <Route path="networks/new" element={<NetworkEditorPage />} />
        <Route path="networks/:id" element={<NetworkPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/new" element={<NewJobPage />} />
        <Route path="jobs/:id" element={<JobPage />} />
        <Route path="sweeps" element={<SweepsPage />} />
        <Route path="sweeps/new" element={<NewSweepPage />} />
        <Route path="sweeps/:id" element={<SweepPage />} />
        <Route path="compare" element={<ComparePage />} />
        <Route path="models" element={<ModelsPage />} />
        <Route path="workers" element={<WorkersPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App({ client }: { client: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
