import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import { CategorisationSettingsWebDocument, SetAutoCategoriseWebDocument, type CategorisationSettingsWebQuery } from "../../gql/graphql";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Button, Checkbox, FormMessage, Loading, Problem, Section, TextField } from "../../ui/kit";

type Settings = CategorisationSettingsWebQuery["categorisationSettings"];
type Payload = { settings: Settings | null; userErrors: readonly UserErrorLike[] };

const SUGGESTED = "90";

/** The household's threshold for filing imported entries by the learned model. */
export function AutoCategoriseSection() {
  const { data, loading, error, refetch } = useQuery(CategorisationSettingsWebDocument);
  const settings = data?.categorisationSettings;
  let body;
  if (loading && !settings) body = <Loading label="Loading your settings…" />;
  else if (error && !settings) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (settings) body = <ThresholdForm settings={settings} />;
  return (
    <Section title="Automatic filing" id="auto-categorise">
      <p className="muted devices-intro">
        Envelopes learns from the entries of the accounts you own which envelope each payee goes to, and suggests one for
        every new entry. Imported entries it is sure enough about can be filed by themselves; the others wait for you to review.
      </p>
      {body}
    </Section>
  );
}

function ThresholdForm({ settings }: { settings: Settings }) {
  const [save] = useMutation(SetAutoCategoriseWebDocument);
  const submit = useSubmit<Payload>();
  const [on, setOn] = useState(settings.threshold !== null);
  const [threshold, setThreshold] = useState(settings.threshold ?? SUGGESTED);
  const [done, setDone] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const input = { threshold: on ? threshold.trim() : null };
    const payload = await submit.run(
      async () =>
        (
          await save({
            variables: { input },
            update: (cache, { data }) => {
              const saved = data?.setAutoCategorise.settings;
              if (saved) cache.writeQuery({ query: CategorisationSettingsWebDocument, data: { __typename: "Query", categorisationSettings: saved } });
            },
          })
        ).data?.setAutoCategorise,
    );
    if (payload?.settings) {
      const t = payload.settings.threshold;
      setDone(t === null ? "Saved. Suggestions are shown; nothing is filed by itself." : `Saved. Entries the model is at least ${t}\u00a0% sure of are filed by themselves.`);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate className="auto-categorise-form">
      <p className="auto-categorise-status">{learned(settings.learnedFrom)}</p>
      <Checkbox
        label="File imported entries by themselves when the model is sure enough"
        checked={on}
        onChange={(e) => {
          setOn(e.target.checked);
          setDone(null);
        }}
      />
      {on ? (
        <TextField
          label="Sure enough from (%)"
          inputMode="decimal"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          error={submit.errors["threshold"]}
          hint={"Above 0 and at most 100. At 90\u00a0%, in our tests about three entries in four were filed by themselves, and about 96\u00a0% of those went to the right envelope."}
          required
        />
      ) : null}
      <FormMessage>{unplacedErrors(submit.errors, on ? ["threshold"] : []) ?? submit.problem}</FormMessage>
      <FormMessage tone="success">{done}</FormMessage>
      <div className="form-actions">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry
          </Button>
        ) : null}
        <Button type="submit" variant="primary" busy={submit.busy} disabled={on && !threshold.trim()}>
          Save
        </Button>
      </div>
    </form>
  );
}

function learned(count: number | null): string {
  if (count === null) return "The model has not learned from your history yet: it needs at least 20 entries filed in envelopes.";
  return `The model has learned from ${count.toLocaleString("en")} of your entries.`;
}
