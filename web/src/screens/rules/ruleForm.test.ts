import { describe, expect, it } from "vitest";

import type { RuleFieldsFragment } from "../../gql/graphql";
import { formatPercent, formFromRule, inputFromForm, newPart, percentTotal } from "./ruleForm";

const RULE: RuleFieldsFragment = {
  __typename: "Rule",
  id: "r1",
  name: "Groceries",
  position: 0,
  combine: "ANY",
  stop: true,
  accountIds: ["a1"],
  mine: true,
  conditions: [
    { __typename: "RuleCondition", type: "PAYEE", operator: "MATCHES", value: "tesco*", minimum: null, maximum: null, kind: null },
    { __typename: "RuleCondition", type: "AMOUNT", operator: null, value: null, minimum: "1", maximum: null, kind: null },
    { __typename: "RuleCondition", type: "KIND", operator: null, value: null, minimum: null, maximum: null, kind: "INCOME" },
  ],
  actions: [
    { __typename: "RuleAction", type: "SPLIT", envelopeId: null, payee: null, tags: [], parts: [
      { __typename: "RuleSplitPart", envelopeId: "e1", percent: "62.5" },
      { __typename: "RuleSplitPart", envelopeId: "e2", percent: "37.5" },
    ] },
    { __typename: "RuleAction", type: "ADD_TAGS", envelopeId: null, payee: null, tags: ["food", "weekly"], parts: [] },
  ],
};

describe("the rule form", () => {
  it("turns a rule read into the same input, field for field", () => {
    expect(inputFromForm(formFromRule(RULE))).toEqual({
      name: "Groceries",
      combine: "ANY",
      stop: true,
      accountIds: ["a1"],
      conditions: [
        { type: "PAYEE", operator: "MATCHES", value: "tesco*" },
        { type: "AMOUNT", minimum: "1", maximum: null },
        { type: "KIND", kind: "INCOME" },
      ],
      actions: [
        { type: "SPLIT", parts: [{ envelopeId: "e1", percent: "62.5" }, { envelopeId: "e2", percent: "37.5" }] },
        { type: "ADD_TAGS", tags: ["food", "weekly"] },
      ],
    });
  });

  it("sends only the fields of a row's type", () => {
    const form = formFromRule(null, "e9");
    form.conditions[0]!.value = "bakery";
    form.conditions[0]!.minimum = "5";
    expect(inputFromForm(form).conditions).toEqual([{ type: "PAYEE", operator: "CONTAINS", value: "bakery" }]);
    expect(inputFromForm(form).actions).toEqual([{ type: "SET_ENVELOPE", envelopeId: "e9" }]);
  });

  it("adds percentages exactly", () => {
    expect(percentTotal([newPart("a", "33.33"), newPart("b", "33.33"), newPart("c", "33.34")])).toBe(10000n);
    expect(percentTotal([newPart("a", "12.5"), newPart("b", "x")])).toBeNull();
    expect(formatPercent(6250n)).toBe("62.5");
    expect(formatPercent(10000n)).toBe("100");
    expect(formatPercent(3333n)).toBe("33.33");
  });
});
