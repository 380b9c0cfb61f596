export * from "./cart_fulfillment_groups_location_rankings_generate_run";
