import { attemptSummary, EVENT_KINDS, eventType, urlProblem } from "./events";

describe("webhook events", () => {
  it("names every kind as receivers see it", () => {
    expect(EVENT_KINDS).toHaveLength(10);
    expect(eventType("TRANSACTION_RECORDED")).toBe("transaction.recorded");
    expect(eventType("WEBHOOK_DISABLED")).toBe("webhook.disabled");
    expect(EVENT_KINDS.map(eventType).every((name) => /^[a-z]+\.[a-z]+$/.test(name))).toBe(true);
  });

  it("asks for an http(s) URL before the API checks its address", () => {
    expect(urlProblem("")).toMatch(/Give the URL/);
    expect(urlProblem("ftp://example.com/")).toMatch(/https:\/\//);
    expect(urlProblem(" https://hooks.example.com/in ")).toBeNull();
    expect(urlProblem("HTTP://example.com")).toBeNull();
  });

  it("sums an attempt up in a few words", () => {
    expect(attemptSummary(undefined)).toBe("Not attempted yet");
    expect(attemptSummary({ statusCode: 200, error: null })).toBe("HTTP 200");
    expect(attemptSummary({ statusCode: 500, error: "HTTP 500" })).toBe("HTTP 500");
    expect(attemptSummary({ statusCode: null, error: "Refused: a loopback address" })).toBe("Refused: a loopback address");
  });
});
