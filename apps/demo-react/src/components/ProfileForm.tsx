import { useNoRecord, useSensitive } from '@veil/react';

const BACKUP_CODES = ['7Q4M-K2XP-91DZ', 'R8WN-3HJT-5CVB', 'L6YF-0EKS-24QA'];

/**
 * Address and phone fields are personal (masked in every mode). The delivery
 * notes are free text that may hold anything (a gate code …): useSensitive()
 * masks them. The backup codes are kept out of the recording with useNoRecord().
 */
export function ProfileForm() {
  return (
    <form className="card profile" id="profile-form" onSubmit={(event) => event.preventDefault()}>
      <h2>Delivery profile</h2>
      <div className="profile-grid">
        <label className="wide">
          Street address
          <textarea id="street" name="street" autoComplete="street-address" rows={2} />
        </label>
        <label>
          City
          <input id="city" name="city" autoComplete="address-level2" />
        </label>
        <label>
          Postal code
          <input id="postal-code" name="postal" autoComplete="postal-code" />
        </label>
        <label>
          Country
          <select id="country" name="country" autoComplete="country" defaultValue="">
            <option value="">Choose…</option>
            <option value="AT">Austria</option>
            <option value="DE">Germany</option>
            <option value="IE">Ireland</option>
            <option value="IS">Iceland</option>
            <option value="NO">Norway</option>
            <option value="PT">Portugal</option>
          </select>
        </label>
        <label>
          Phone
          <input id="phone" type="tel" name="phone" autoComplete="tel" />
        </label>
        <label className="wide">
          Delivery notes <span className="marker-note">useSensitive()</span>
          <textarea id="delivery-notes" name="notes" rows={2} placeholder="Where should the courier leave it?" {...useSensitive()} />
        </label>
      </div>
      <div className="backup" {...useNoRecord()}>
        <h3>
          Two-factor backup codes <span className="marker-note">useNoRecord()</span>
        </h3>
        <ul className="codes" id="backup-codes">
          {BACKUP_CODES.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ul>
      </div>
    </form>
  );
}
