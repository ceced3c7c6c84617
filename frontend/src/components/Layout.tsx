import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";

import { keys, logout } from "../api/queries";
import type { Me } from "../api/types";

const LINKS = [
  { to: "/datasets", label: "Datasets" },
  { to: "/networks", label: "Networks" },
  { to: "/jobs", label: "Jobs" },
  { to: "/sweeps", label: "Sweeps" },
  { to: "/compare", label: "Compare" },
  { to: "/models", label: "Models" },
];

export function Layout({ me }: { me: Me }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);

  const onLogout = async () => {
    setLeaving(true);
    try {
      await logout();
    } finally {
      client.clear();
      client.setQueryData(keys.me, null);
      void navigate("/login", { replace: true });
    }
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Neuroyard home">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Neuroyard</span>
        </NavLink>
        <nav aria-label="Main" className="nav">
          {LINKS.map((link) => (
            <NavLink key={link.to} to={link.to} className="nav-link">
              {link.label}
            </NavLink>
          ))}
          {me.is_staff && (
            <NavLink to="/workers" className="nav-link">
              Workers
            </NavLink>
          )}
        </nav>
        <div className="user">
          <a className="nav-link" href="/api/docs/" title="The REST API, described and ready to try">
            API
          </a>
          <span className="user-name" title={me.is_staff ? "staff" : undefined}>
            {me.username}
          </span>
          <button type="button" className="button button-ghost" onClick={onLogout} disabled={leaving}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
