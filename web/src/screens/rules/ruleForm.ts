import type {
  CreateRuleInput,
  RuleActionType,
  RuleCombine,
  RuleConditionType,
  RuleFieldsFragment,
  RuleTextOperator,
} from "../../gql/graphql";

/**
 * The rule editor's state: one row per condition and action, in the API's own flat shape (a
 * `type` and the fields it uses), so a rule read is the form and the form sent is the input.
 * A row keeps every field while its type changes (switching back restores what was typed);
 * only the fields of its type are sent.
 */

export type Kind = "INCOME" | "EXPENSE";

export interface ConditionRow {
  key: number;
  type: RuleConditionType;
  operator: RuleTextOperator;
  value: string;
  minimum: string;
  maximum: string;
  kind: Kind;
}

export interface PartRow {
  key: number;
  envelopeId: string;
  percent: string;
}

export interface ActionRow {
  key: number;
  type: RuleActionType;
  envelopeId: string;
  parts: PartRow[];
  payee: string;
  tags: string;
}

export interface RuleForm {
  name: string;
  combine: RuleCombine;
  stop: boolean;
  accountIds: string[];
  conditions: ConditionRow[];
  actions: ActionRow[];
}

let nextKey = 1;
const key = () => nextKey++;

export const CONDITION_LABEL: Record<RuleConditionType, string> = {
  PAYEE: "Payee",
  MEMO: "Memo",
  AMOUNT: "Amount",
  KIND: "Money in or out",
};

export const OPERATOR_LABEL: Record<RuleTextOperator, string> = {
  CONTAINS: "contains",
  EQUALS: "is",
  STARTS_WITH: "starts with",
  ENDS_WITH: "ends with",
  MATCHES: "matches pattern",
};

export const ACTION_LABEL: Record<RuleActionType, string> = {
  SET_ENVELOPE: "Put in envelope",
  SPLIT: "Split by percentage",
  RENAME_PAYEE: "Rename the payee",
  ADD_TAGS: "Add tags",
};

export function newCondition(type: RuleConditionType = "PAYEE"): ConditionRow {
  return { key: key(), type, operator: "CONTAINS", value: "", minimum: "", maximum: "", kind: "EXPENSE" };
}

export function newPart(envelopeId = "", percent = ""): PartRow {
  return { key: key(), envelopeId, percent };
}

export function newAction(type: RuleActionType = "SET_ENVELOPE", envelopeId = ""): ActionRow {
  return { key: key(), type, envelopeId, parts: [newPart(), newPart()], payee: "", tags: "" };
}

export function formFromRule(rule: RuleFieldsFragment | null, firstEnvelopeId = ""): RuleForm {
  if (!rule) {
    return { name: "", combine: "ALL", stop: false, accountIds: [], conditions: [newCondition()], actions: [newAction("SET_ENVELOPE", firstEnvelopeId)] };
  }
  return {
    name: rule.name,
    combine: rule.combine,
    stop: rule.stop,
    accountIds: [...rule.accountIds],
    conditions: rule.conditions.map((c) => ({
      ...newCondition(c.type),
      operator: c.operator ?? "CONTAINS",
      value: c.value ?? "",
      minimum: c.minimum ?? "",
      maximum: c.maximum ?? "",
      kind: c.kind === "INCOME" ? "INCOME" : "EXPENSE",
    })),
    actions: rule.actions.map((a) => ({
      ...newAction(a.type),
      envelopeId: a.envelopeId ?? "",
      parts: a.parts.length ? a.parts.map((p) => newPart(p.envelopeId, p.percent)) : [newPart(), newPart()],
      payee: a.payee ?? "",
      tags: a.tags.join(", "),
    })),
  };
}

const blank = (text: string) => (text.trim() === "" ? null : text.trim());

/** The input of createRule (updateRule adds the id): only the fields each row's type uses. */
export function inputFromForm(form: RuleForm): CreateRuleInput {
  return {
    name: form.name,
    combine: form.combine,
    stop: form.stop,
    accountIds: form.accountIds,
    conditions: form.conditions.map((c) => {
      switch (c.type) {
        case "AMOUNT":
          return { type: c.type, minimum: blank(c.minimum), maximum: blank(c.maximum) };
        case "KIND":
          return { type: c.type, kind: c.kind };
        default:
          return { type: c.type, operator: c.operator, value: c.value };
      }
    }),
    actions: form.actions.map((a) => {
      switch (a.type) {
        case "SET_ENVELOPE":
          return { type: a.type, envelopeId: a.envelopeId || null };
        case "SPLIT":
          return { type: a.type, parts: a.parts.map((p) => ({ envelopeId: p.envelopeId, percent: p.percent.trim() })) };
        case "RENAME_PAYEE":
          return { type: a.type, payee: a.payee };
        default:
          return { type: a.type, tags: a.tags.split(",").map((t) => t.trim()).filter(Boolean) };
      }
    }),
  };
}

/** The parts' sum in hundredths of a percent (exact: no floats), or null if one is not a number. */
export function percentTotal(parts: readonly PartRow[]): bigint | null {
  let total = 0n;
  for (const part of parts) {
    const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(part.percent.trim());
    if (!match) return null;
    total += BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  }
  return total;
}

/** "62.5" from 6250 hundredths. */
export function formatPercent(hundredths: bigint): string {
  const whole = hundredths / 100n;
  const rest = hundredths % 100n;
  return rest === 0n ? `${whole}` : `${whole}.${rest.toString().padStart(2, "0").replace(/0$/, "")}`;
}
