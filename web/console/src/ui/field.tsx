import { type ReactElement, useId } from "react";

/**
 * A labelled form field with its help and its problems: the problems are
 * announced (aria-describedby, aria-invalid) and shown under the input.
 * `children` gets the id and the aria attributes to put on its input.
 */
export function Field(props: {
  label: string;
  help?: string;
  errors?: readonly string[];
  children(input: {
    id: string;
    "aria-describedby": string | undefined;
    "aria-invalid": boolean;
  }): ReactElement;
}) {
  const id = useId();
  const errors = props.errors ?? [];
  const describedBy = [props.help ? `${id}-help` : "", errors.length ? `${id}-errors` : ""].join(" ").trim();
  return (
    <div className={errors.length ? "field invalid" : "field"}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({
        id,
        "aria-describedby": describedBy || undefined,
        "aria-invalid": errors.length > 0,
      })}
      {props.help && (
        <p className="help" id={`${id}-help`}>
          {props.help}
        </p>
      )}
      {errors.length > 0 && (
        <ul className="field-errors" id={`${id}-errors`}>
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
