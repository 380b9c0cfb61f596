import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { login } from "../../shopify.server";
import styles from "./styles.module.css";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);

  // Opened from the Shopify admin (or an install link): go to the embedded app.
  if (url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }

  return json({ showForm: Boolean(login) });
};

export default function Index() {
  const { showForm } = useLoaderData<typeof loader>();

  return (
    <div className={styles.index}>
      <div className={styles.content}>
        <h1 className={styles.heading}>Peakguard</h1>
        <p className={styles.text}>Keeps a Shopify store correct and fast through Black Friday, drops and returns season.</p>
        {showForm && (
          <Form className={styles.form} method="post" action="/auth/login">
            <label className={styles.label}>
              <span>Shop domain</span>
              <input className={styles.input} type="text" name="shop" autoComplete="on" />
              <span>e.g: my-shop-domain.myshopify.com</span>
            </label>
            <button className={styles.button} type="submit">
              Log in
            </button>
          </Form>
        )}
        <ul className={styles.list}>
          <li>
            <strong>Promotions that stack on purpose</strong>. Priorities, exclusions and caps the merchant can read.
          </li>
          <li>
            <strong>Drops without overselling</strong>. Checkout rules and inventory reservations that hold under load.
          </li>
          <li>
            <strong>Peak readiness</strong>. Kill switches and a drill to run before the big day.
          </li>
        </ul>
      </div>
    </div>
  );
}
