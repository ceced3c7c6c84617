import { Link } from "react-router";

import { useDatasets, useJobs, useKindTitle, useMe, useModels, useSpecs } from "../api/queries";
import { Name } from "../components/Name";
import { PageHeader } from "../components/PageHeader";
import { StatusBadge } from "../components/StatusBadge";
import { formatAgo, shortId } from "../lib/format";
import { progressText } from "../lib/jobText";

interface Step {
  title: string;
  text: string;
  to: string;
  action: string;
  count: string | undefined;
}

/** A list's count; the API counts exactly up to a cap and says when there are more. */
function countText(page: { count: number; count_exact: boolean } | undefined): string | undefined {
  return page && `${page.count}${page.count_exact ? "" : "+"}`;
}

export function HomePage() {
  const kindTitle = useKindTitle();
  const me = useMe();
  const datasets = useDatasets();
  const specs = useSpecs();
  const jobs = useJobs({ limit: 5 });
  const models = useModels();
  const steps: Step[] = [
    {
      title: "Bring data",
      text: "Upload a dataset: arrays, a table or a folder of images.",
      to: "/datasets",
      action: "Upload a dataset",
      count: countText(datasets.data),
    },
    {
      title: "Describe a network",
      text: "Layers, shapes and parameters, checked as you type.",
      to: "/networks/new",
      action: "Build a network",
      count: countText(specs.data),
    },
    {
      title: "Train it",
      text: "Submit a job and watch the learning curves live.",
      to: "/jobs/new",
      action: "Start training",
      count: countText(jobs.data),
    },
    {
      title: "Use the model",
      text: "Download the trained model, or try it on an input.",
      to: "/models",
      action: "See models",
      count: countText(models.data),
    },
  ];
  return (
    <>
      <PageHeader
        title={`Welcome${me.data ? `, ${me.data.username}` : ""}`}
        subtitle="From a dataset to a trained network in four steps."
      />
      <ol className="steps">
        {steps.map((step, i) => (
          <li key={step.title} className="card step">
            <span className="step-number" aria-hidden="true">
              {i + 1}
            </span>
            <h2>{step.title}</h2>
            <p className="muted">{step.text}</p>
            <p className="step-foot">
              <Link to={step.to}>{step.action} →</Link>
              {step.count !== undefined && <span className="muted">{step.count} so far</span>}
            </p>
          </li>
        ))}
      </ol>
      {jobs.data && jobs.data.results.length > 0 && (
        <section className="card" aria-labelledby="recent-title">
          <h2 id="recent-title">Recent jobs</h2>
          <ul className="recent">
            {jobs.data.results.map((job) => (
              <li key={job.id}>
                <Link to={`/jobs/${job.id}`}>
                  <Name text={job.name} fallback={kindTitle(job.kind)} />
                </Link>{" "}
                <code className="muted">{shortId(job.id)}</code> <StatusBadge status={job.status} />{" "}
                <span className="muted">
                  {progressText(job)} · {formatAgo(job.created_at)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
