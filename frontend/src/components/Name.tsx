/** A name someone chose (a run, a dataset, a model, a user), shown safely: see lib/safeText. */
import { safeText } from "../lib/safeText";

export function Name({ text, fallback = "" }: { text: string | null | undefined; fallback?: string }) {
  const clean = safeText(text);
  // dir="auto": a right-to-left name stays right to left without turning the text after it
  return (
    <bdi className="name" dir="auto">
      {clean || fallback}
    </bdi>
  );
}
