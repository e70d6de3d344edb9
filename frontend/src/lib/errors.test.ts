import { describe, expect, it } from "vitest";
import { ApiError, NETWORK_MESSAGE, describeProblems, errorText, fieldLabel, humanMessage, parseProblems } from "./errors";

describe("humanMessage", () => {
  it("never shows server trouble in technical words", () => {
    expect(humanMessage(500, "Traceback (most recent call last)", [])).toBe("Something went wrong on our side. Please try again in a moment.");
    expect(humanMessage(503, "fine words", [])).toMatch(/on our side/);
  });

  it("keeps a plain server message and hides a technical one behind the status's words", () => {
    expect(humanMessage(409, "That email is already registered.", [])).toBe("That email is already registered.");
    expect(humanMessage(404, "GET /interview/sessions/x not found", [])).toMatch(/couldn't find/);
    expect(humanMessage(405, "Method Not Allowed", [])).toMatch(/on our side/);
    expect(humanMessage(429, undefined, [])).toMatch(/too often/);
    expect(humanMessage(423, undefined, [])).toMatch(/temporarily locked/);
  });

  it("names the fields a validation error is about, in words", () => {
    const problems = parseProblems([
      { field: "body.content", message: "String should have at least 1 character" },
      { key: "full_name", message: "String should have at most 120 characters" },
      { loc: "email", msg: "Field required" },
    ]);
    expect(humanMessage(422, "Validation failed for POST /x", problems)).toBe(
      "Your answer can't be empty. Full name can be at most 120 characters. Email is required.",
    );
  });
});

describe("parseProblems and labels", () => {
  it("accepts one problem object, a list, or nothing", () => {
    expect(parseProblems({ field: "password", message: "too short" })).toEqual([{ field: "password", message: "too short" }]);
    expect(parseProblems(null)).toEqual([]);
    expect(parseProblems("oops")).toEqual([]);
    expect(parseProblems([null, 3, {}])).toEqual([{ field: "value", message: "is not valid" }]);
  });

  it("turns field names into labels", () => {
    expect(fieldLabel("body.full_name")).toBe("Full name");
    expect(fieldLabel("duration_minutes")).toBe("Time limit");
    expect(describeProblems([{ field: "question_count", message: "String should have at least 3 characters" }]))
      .toBe("Number of questions needs at least 3 characters.");
  });
});

describe("ApiError and errorText", () => {
  it("finds the message for a form field named with its location", () => {
    const error = new ApiError(422, "validation_error", "Email is required.", [{ field: "body.email", message: "is required." }]);
    expect(error.forField("email")).toBe("is required.");
    expect(error.forField("password")).toBeUndefined();
    expect(errorText(error)).toBe("Email is required.");
  });

  it("says a failed fetch is a network problem", () => {
    expect(errorText(new TypeError("Failed to fetch"))).toBe(NETWORK_MESSAGE);
    expect(errorText(new Error("Camera is busy."))).toBe("Camera is busy.");
    expect(errorText({ weird: true })).toMatch(/on our side/);
  });
});
