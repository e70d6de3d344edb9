import { Link } from "react-router-dom";
import { EmptyState } from "../components/ui";

export function NotFoundPage() {
  return (
    <EmptyState title="This page doesn't exist">
      <Link to="/" className="font-medium text-indigo-700 hover:underline">Go to your home page</Link>
    </EmptyState>
  );
}
