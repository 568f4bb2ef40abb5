import { useState, type FormEvent } from 'react';

/**
 * No markers needed: the password (and, after "show", the plain-text field that
 * was a password) and the personal fields are never recorded, in any mode.
 */
export function SignUpForm() {
  const [show, setShow] = useState(false);
  const [status, setStatus] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setStatus('Account created (not really: this is a demo).');
  };
  return (
    <form className="card" id="signup-form" onSubmit={submit}>
      <h2>Create an account</h2>
      <label>
        Full name
        <input id="full-name" name="name" autoComplete="name" placeholder="Ada Lovelace" />
      </label>
      <label>
        E-mail
        <input id="email" type="email" name="email" autoComplete="email" placeholder="you@example.com" />
      </label>
      <label>
        Password
        <span className="with-button">
          <input id="password" type={show ? 'text' : 'password'} name="password" autoComplete="new-password" />
          <button type="button" id="toggle-password" aria-pressed={show} aria-controls="password" onClick={() => setShow(!show)}>
            {show ? 'hide' : 'show'}
          </button>
        </span>
      </label>
      <button type="submit" className="primary">
        Sign up
      </button>
      <p className="form-status" role="status">
        {status}
      </p>
    </form>
  );
}
