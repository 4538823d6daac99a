import { closestCenter, DndContext, type DragEndEvent } from "@dnd-kit/core";
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useMutation, useQuery } from "@apollo/client/react";
import { useMemo, useState } from "react";

import { DeleteRuleWebDocument, ReorderRulesWebDocument, RulesWebDocument, type RuleFieldsFragment } from "../../gql/graphql";
import { Button, Empty, FormMessage, Loading, Problem } from "../../ui/kit";
import { REORDER_ACCESSIBILITY, useReorderSensors } from "../../ui/sortable";
import { ACTION_LABEL, CONDITION_LABEL, OPERATOR_LABEL } from "./ruleForm";
import { ApplyRulesPanel } from "./ApplyRulesPanel";
import { RuleEditor } from "./RuleEditor";
import "./rules.css";

export interface EnvelopeGroup {
  accountId: string;
  accountName: string;
  currency: string;
  envelopes: { id: string; name: string }[];
}

type Rule = RuleFieldsFragment;

/** "Payee contains “tesco” and money out" → "Groceries; tags: food". */
export function describeRule(rule: Rule, envelopeName: (id: string | null) => string): { when: string; then: string } {
  const conditions = rule.conditions.map((c) => {
    if (c.type === "AMOUNT") {
      if (c.minimum && c.maximum) return `amount ${c.minimum}–${c.maximum}`;
      return c.minimum ? `amount ≥ ${c.minimum}` : `amount ≤ ${c.maximum ?? ""}`;
    }
    if (c.type === "KIND") return c.kind === "INCOME" ? "money in" : "money out";
    return `${CONDITION_LABEL[c.type].toLowerCase()} ${OPERATOR_LABEL[c.operator ?? "CONTAINS"]} “${c.value ?? ""}”`;
  });
  const actions = rule.actions.map((a) => {
    switch (a.type) {
      case "SET_ENVELOPE":
        return `→ ${envelopeName(a.envelopeId)}`;
      case "SPLIT":
        return `split ${a.parts.map((p) => `${envelopeName(p.envelopeId)} ${p.percent} %`).join(", ")}`;
      case "RENAME_PAYEE":
        return `payee “${a.payee ?? ""}”`;
      default:
        return `${ACTION_LABEL[a.type].toLowerCase()}: ${a.tags.join(", ")}`;
    }
  });
  const joiner = rule.combine === "ANY" ? " or " : " and ";
  return { when: conditions.length ? conditions.join(joiner) : "every transaction", then: actions.join("; ") };
}

export function RulesScreen() {
  const { data, loading, error, refetch } = useQuery(RulesWebDocument);
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const [reorder] = useMutation(ReorderRulesWebDocument);
  const [remove] = useMutation(DeleteRuleWebDocument, { refetchQueries: ["RulesWeb"] });
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const sensors = useReorderSensors();

  const accounts = useMemo(() => data?.accounts ?? [], [data]);
  // A rule names envelopes of the accounts you own (shared accounts follow their owner's rules).
  const groups: EnvelopeGroup[] = useMemo(
    () =>
      accounts
        .filter((a) => a.myRole === "OWNER")
        .map((a) => ({
          accountId: a.id,
          accountName: a.name,
          currency: a.currency,
          envelopes: a.envelopes.filter((e) => !e.archived && !e.deleted).map((e) => ({ id: e.id, name: e.isAvailable ? "Ready to assign" : e.name })),
        })),
    [accounts],
  );
  const names = useMemo(() => new Map(accounts.flatMap((a) => a.envelopes.map((e) => [e.id, e.isAvailable ? "Ready to assign" : e.name] as const))), [accounts]);
  const envelopeName = (id: string | null) => (id ? (names.get(id) ?? "an envelope no longer there") : "?");

  if (loading && !data) return <Loading label="Loading your rules…" />;
  if (error && !data) return <Problem error={error} onRetry={() => void refetch()} />;
  const rules = data?.rules ?? [];

  const save = (ids: string[]) => {
    setProblem(null);
    void reorder({
      variables: { input: { ids } },
      optimisticResponse: {
        __typename: "Mutation",
        reorderRules: {
          __typename: "ReorderRulesPayload",
          rules: ids.map((id, position) => ({ __typename: "Rule" as const, id, position })),
          userErrors: [],
        },
      },
      update: (cache, { data: answer }) => {
        if (answer?.reorderRules.userErrors.length) return;
        cache.modify({
          fields: {
            rules: (refs: readonly { __ref: string }[], { readField }) =>
              [...refs].sort((a, b) => (readField<number>("position", a) ?? 0) - (readField<number>("position", b) ?? 0)),
          },
        });
      },
    })
      .then((result) => setProblem(result.data?.reorderRules.userErrors[0]?.message ?? null))
      .catch(() => setProblem("Could not save the new order. Check your connection and try again."));
  };
  const ids = rules.map((r) => r.id);
  const moveTo = (from: number, to: number) => {
    setAnnouncement(`${rules[from]?.name} moved to position ${to + 1} of ${ids.length}.`);
    save(arrayMove(ids, from, to));
  };
  const onDragEnd = (event: DragEndEvent) => {
    const { active, over } = event;
    if (!over || active.id === over.id) return;
    moveTo(ids.indexOf(String(active.id)), ids.indexOf(String(over.id)));
  };
  const deleteRule = (rule: Rule) => {
    if (!window.confirm(`Delete the rule “${rule.name}”?`)) return;
    void remove({ variables: { input: { id: rule.id } } })
      .then((result) => setProblem(result.data?.deleteRule.userErrors[0]?.message ?? null))
      .catch(() => setProblem("Could not delete the rule. Check your connection and try again."));
  };

  return (
    <div className="page rules-page">
      <header className="page-header">
        <div>
          <h1>Rules</h1>
          <p className="muted rules-intro">
            Spending and income recorded without an envelope, and imported rows, go through these rules from the top. Shared accounts follow their owner’s rules.
          </p>
        </div>
        <Button variant="primary" onClick={() => setEditing("new")} disabled={!groups.length}>
          + New rule
        </Button>
      </header>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <FormMessage>{problem}</FormMessage>
      {!groups.length ? (
        <Empty title="Rules choose envelopes in accounts you own.">
          <p>Open an account first.</p>
        </Empty>
      ) : rules.length === 0 ? (
        <Empty title="No rules yet.">
          <p>A rule puts spending into an envelope by payee, memo, amount or direction, and can rename the payee or add tags.</p>
        </Empty>
      ) : (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragEnd={onDragEnd}
          accessibility={REORDER_ACCESSIBILITY}
        >
          <SortableContext items={ids} strategy={verticalListSortingStrategy}>
            <ol className="rule-list" aria-label="Rules, in the order they run">
              {rules.map((rule, index) => (
                <RuleCard
                  key={rule.id}
                  rule={rule}
                  index={index}
                  summary={describeRule(rule, envelopeName)}
                  accountNames={rule.accountIds.map((id) => accounts.find((a) => a.id === id)?.name ?? "?")}
                  onEdit={() => setEditing(rule)}
                  onDelete={() => deleteRule(rule)}
                  onMoveUp={index > 0 ? () => moveTo(index, index - 1) : undefined}
                  onMoveDown={index < rules.length - 1 ? () => moveTo(index, index + 1) : undefined}
                />
              ))}
            </ol>
          </SortableContext>
        </DndContext>
      )}
      {groups.length ? <ApplyRulesPanel accounts={groups} /> : null}
      {editing ? <RuleEditor rule={editing === "new" ? null : editing} groups={groups} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function RuleCard({
  rule,
  index,
  summary,
  accountNames,
  onEdit,
  onDelete,
  onMoveUp,
  onMoveDown,
}: {
  rule: Rule;
  index: number;
  summary: { when: string; then: string };
  accountNames: string[];
  onEdit: () => void;
  onDelete: () => void;
  onMoveUp: (() => void) | undefined;
  onMoveDown: (() => void) | undefined;
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: rule.id });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`rule-card${isDragging ? " dragging" : ""}`}
      aria-label={rule.name}
    >
      <button type="button" className="drag-handle" aria-label={`Reorder ${rule.name}`} {...attributes} {...listeners}>
        <span aria-hidden="true">⠿</span>
      </button>
      <span className="rule-order" aria-hidden="true">
        {index + 1}
      </span>
      <div className="rule-main">
        <p className="rule-name">
          {rule.name}
          {rule.stop ? <span className="badge rule-stop">Stops here</span> : null}
        </p>
        <p className="rule-summary">
          <span className="muted">If </span>
          {summary.when}
          <span className="muted"> then </span>
          {summary.then}
        </p>
        <p className="rule-scope muted">{accountNames.length ? `Only in ${accountNames.join(", ")}` : "In every account you own"}</p>
      </div>
      <div className="rule-actions">
        <Button variant="ghost" aria-label={`Move ${rule.name} up`} onClick={onMoveUp} disabled={!onMoveUp}>
          ↑
        </Button>
        <Button variant="ghost" aria-label={`Move ${rule.name} down`} onClick={onMoveDown} disabled={!onMoveDown}>
          ↓
        </Button>
        <Button onClick={onEdit} aria-label={`Edit ${rule.name}`}>
          Edit
        </Button>
        <Button variant="danger" onClick={onDelete} aria-label={`Delete ${rule.name}`}>
          Delete
        </Button>
      </div>
    </li>
  );
}
