import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { WebSignInDocument, WebSignUpDocument, type WebSignInMutation, type WebSignUpMutation } from "../../gql/graphql";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors } from "../../lib/userErrors";
import { Button, FormMessage, TextField } from "../../ui/kit";

function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="auth" id="main">
      <div className="auth-card">
        <div className="auth-brand" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="40" height="40">
            <rect x="2" y="7" width="28" height="19" rx="3" fill="currentColor" />
            <path d="M3 9l13 9 13-9" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinejoin="round" />
          </svg>
          Envelopes
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

function useAfterSignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  return () => navigate(from, { replace: true });
}

export function SignInScreen() {
  const { state, signedIn } = useAuth();
  const [signIn] = useMutation(WebSignInDocument);
  const submit = useSubmit<WebSignInMutation["login"]>();
  const done = useAfterSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  if (state === "signed-in") return <Navigate to="/" replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const payload = await submit.run(async () => (await signIn({ variables: { input: { email, password } } })).data?.login);
    if (payload?.accessToken) {
      signedIn(payload);
      done();
    }
  };
  return (
    <AuthFrame title="Sign in">
      <form onSubmit={onSubmit} noValidate>
        <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={submit.errors["email"]} autoFocus />
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={submit.errors["password"]} />
        <FormMessage>{unplacedErrors(submit.errors, ["email", "password"]) ?? submit.problem}</FormMessage>
        <Button type="submit" variant="primary" busy={submit.busy} className="btn-block">
          Sign in
        </Button>
      </form>
      <p className="auth-switch">
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </AuthFrame>
  );
}

export function SignUpScreen() {
  const { state, signedIn } = useAuth();
  const [signUp] = useMutation(WebSignUpDocument);
  const submit = useSubmit<WebSignUpMutation["register"]>();
  const done = useAfterSignIn();
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  if (state === "signed-in") return <Navigate to="/" replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const payload = await submit.run(
      async () => (await signUp({ variables: { input: { email, password, displayName } } })).data?.register,
    );
    if (payload?.accessToken) {
      signedIn(payload);
      done();
    }
  };
  return (
    <AuthFrame title="Create your account">
      <form onSubmit={onSubmit} noValidate>
        <TextField label="Your name" autoComplete="name" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={submit.errors["displayName"]} autoFocus />
        <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={submit.errors["email"]} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={submit.errors["password"]}
          hint="At least 10 characters. A few words you will remember works well."
        />
        <FormMessage>{unplacedErrors(submit.errors, ["email", "password", "displayName"]) ?? submit.problem}</FormMessage>
        <Button type="submit" variant="primary" busy={submit.busy} className="btn-block">
          Create account
        </Button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </AuthFrame>
  );
}
