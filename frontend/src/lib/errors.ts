// Turns whatever went wrong into a sentence a person understands.

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldProblems: FieldProblem[];

  constructor(status: number, code: string, message: string, fieldProblems: FieldProblem[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fieldProblems = fieldProblems;
  }

  /** The message for one form field, if the server complained about it. */
  forField(field: string): string | undefined {
    // The server may name the field with its location, as in "body.email".
    return this.fieldProblems.find((problem) => problem.field === field || problem.field.endsWith(`.${field}`))?.message;
  }
}

export const NETWORK_MESSAGE =
  "We can't reach the CandidateX server. Check your internet connection and try again.";

const MESSAGES_BY_STATUS: Record<number, string> = {
  400: "Some of the information you entered isn't valid. Please check it and try again.",
  401: "Your sign-in has expired. Please sign in again.",
  403: "Your account doesn't have permission to do that.",
  404: "We couldn't find what you were looking for. It may have been removed.",
  409: "That conflicts with something that already exists.",
  413: "That file is too large to upload.",
  415: "That type of file isn't supported.",
  422: "Some of the information you entered isn't valid. Please check it and try again.",
  423: "This account is temporarily locked after too many failed sign-in attempts. Please try again later.",
  429: "You're doing that too often. Please wait a moment and try again.",
};

const SERVER_TROUBLE = "Something went wrong on our side. Please try again in a moment.";

// Request fields whose names mean little on screen.
const FIELD_LABELS: Record<string, string> = {
  content: "Your answer",
  question_id: "Question",
  job_title: "Job title",
  duration_minutes: "Time limit",
  question_count: "Number of questions",
};

/** Pydantic's wording, said the way a person would. */
function plainMessage(message: string): string {
  const min = /^String should have at least (\d+) characters?$/.exec(message);
  if (min) return min[1] === "1" ? "can't be empty." : `needs at least ${min[1]} characters.`;
  const max = /^String should have at most (\d+) characters?$/.exec(message);
  if (max) return `can be at most ${max[1]} characters.`;
  if (message === "Field required") return "is required.";
  return message;
}

/** "full_name" -> "Full name"; "body.email" -> "Email". */
export function fieldLabel(field: string): string {
  const last = field.split(".").pop() ?? field;
  if (FIELD_LABELS[last]) return FIELD_LABELS[last];
  const words = last.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Server text that reads like a stack trace or a route is not for people.
function looksTechnical(message: string): boolean {
  return /exception|traceback|validation failed for|no file or directory|method not allowed|\b(GET|POST|PUT|DELETE|PATCH) \/|internal server error|object has no attribute|NoneType/i.test(
    message,
  );
}

export function describeProblems(problems: FieldProblem[]): string {
  return problems.map((problem) => `${fieldLabel(problem.field)} ${plainMessage(problem.message)}`.replace(/([^.!?])$/, "$1.")).join(" ");
}

export function humanMessage(status: number, serverMessage: string | undefined, problems: FieldProblem[]): string {
  if (status >= 500) return SERVER_TROUBLE;
  if (problems.length > 0) return describeProblems(problems);
  if (serverMessage && !looksTechnical(serverMessage)) return serverMessage;
  return MESSAGES_BY_STATUS[status] ?? SERVER_TROUBLE;
}

/** Any thrown value -> words for the screen. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return NETWORK_MESSAGE;
  if (error instanceof Error && error.message) return error.message;
  return SERVER_TROUBLE;
}

// Both our envelope ({field, message}) and Litestar's own ({key, message}) shapes arrive here.
export function parseProblems(details: unknown): FieldProblem[] {
  if (!Array.isArray(details)) {
    if (details && typeof details === "object" && "field" in details) return parseProblems([details]);
    return [];
  }
  return details
    .filter((item): item is Record<string, unknown> => !!item && typeof item === "object")
    .map((item) => ({
      field: String(item.field ?? item.key ?? item.loc ?? "value"),
      message: String(item.message ?? item.msg ?? item.reason ?? "is not valid"),
    }));
}
