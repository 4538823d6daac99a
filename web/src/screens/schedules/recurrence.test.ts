import { describeRecurrence, ordinal, type RecurrenceLike } from "./recurrence";

const base: RecurrenceLike = { frequency: "MONTHLY", startDate: "2025-01-03", interval: 1, weekend: "AS_IS" };
const say = (rule: Partial<RecurrenceLike>) => describeRecurrence({ ...base, ...rule }, "en-GB");

describe("describeRecurrence", () => {
  it("says a monthly rule by its day", () => {
    expect(say({ dayOfMonth: 1 })).toBe("Monthly on the 1st");
    expect(say({ dayOfMonth: 22 })).toBe("Monthly on the 22nd");
    expect(say({ dayOfMonth: null })).toBe("Monthly on the 3rd");
    expect(say({ dayOfMonth: -1 })).toBe("Monthly on the last day");
    expect(say({ dayOfMonth: 31, interval: 3 })).toBe("Every 3 months on the 31st (or the month's last day)");
  });

  it("says weekly and daily rules with their start", () => {
    expect(say({ frequency: "WEEKLY" })).toBe("Every week on Friday");
    expect(say({ frequency: "WEEKLY", interval: 2 })).toBe("Every 2 weeks on Friday from 3 Jan 2025");
    expect(say({ frequency: "DAILY" })).toBe("Every day from 3 Jan 2025");
    expect(say({ frequency: "DAILY", interval: 10 })).toBe("Every 10 days from 3 Jan 2025");
  });

  it("says twice-monthly, yearly and one-off rules", () => {
    expect(say({ frequency: "SEMI_MONTHLY", daysOfMonth: [15, -1] })).toBe("Twice a month on the 15th and the last day");
    expect(say({ frequency: "YEARLY" })).toBe("Yearly on 3 January");
    expect(say({ frequency: "YEARLY", interval: 2 })).toBe("Every 2 years on 3 January");
    expect(say({ frequency: "ONCE" })).toBe("Once, on 3 Jan 2025");
  });

  it("adds the end and the weekend rule", () => {
    expect(say({ dayOfMonth: 1, endAfter: 12 })).toBe("Monthly on the 1st, 12 times");
    expect(say({ dayOfMonth: 1, endDate: "2025-12-31", weekend: "BEFORE" })).toBe(
      "Monthly on the 1st, until 31 Dec 2025; a weekend date moves to the Friday before",
    );
    expect(say({ frequency: "WEEKLY", weekend: "AFTER" })).toBe("Every week on Friday; a weekend date moves to the Monday after");
  });

  it("writes ordinals", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 28, 31].map(ordinal)).toEqual([
      "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "28th", "31st",
    ]);
  });
});
