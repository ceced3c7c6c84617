import { Navigate, useLocation } from "react-router";

import { useMe } from "../api/queries";
import { ErrorNotice } from "./ErrorNotice";
import { Layout } from "./Layout";
import { Loading } from "./PageHeader";

/** The app's pages for a logged-in user; anyone else goes to the login page and comes back. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading what="your account" />;
  if (me.isError) return <ErrorNotice error={me.error} title="Could not reach Neuroyard." />;
  if (!me.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Layout me={me.data} />;
}
