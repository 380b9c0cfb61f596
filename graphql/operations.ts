/**
 * Typed Admin operations: each document under graphql/admin/ paired with the
 * result and variables types codegen derived for it.
 *
 * Sources come from graphql/generated/admin.documents.ts, a plain TS module that
 * `npm run codegen` writes from the .graphql files. That choice (rather than
 * `import source from "./admin/ShopInfo.graphql?raw"`) is deliberate: `?raw` is a
 * Vite feature, so it works in Remix and vitest but not in `tsx` scripts or plain
 * Node; the generated module works in all of them. tests/graphql/operations.test.ts
 * fails when a document has no export here or the export's source differs.
 *
 * Adding an operation: write graphql/admin/<Name>.graphql, run `npm run codegen`,
 * add one line below.
 */
import * as documents from "./generated/admin.documents";
import type {
  BulkOperationRunQueryMutation,
  BulkOperationRunQueryMutationVariables,
  BulkOperationStatusQuery,
  BulkOperationStatusQueryVariables,
  InventoryAdjustQuantitiesMutation,
  InventoryAdjustQuantitiesMutationVariables,
  InventoryLevelsPageQuery,
  InventoryLevelsPageQueryVariables,
  InventoryMoveQuantitiesMutation,
  InventoryMoveQuantitiesMutationVariables,
  LocationsPageQuery,
  LocationsPageQueryVariables,
  MetafieldsSetMutation,
  MetafieldsSetMutationVariables,
  OrdersPageQuery,
  OrdersPageQueryVariables,
  ProductsPageQuery,
  ProductsPageQueryVariables,
  ShopInfoQuery,
  ShopInfoQueryVariables,
  WebhookSubscriptionsPageQuery,
  WebhookSubscriptionsPageQueryVariables,
  ShopMetafieldQuery,
  ShopMetafieldQueryVariables,
  PaymentCustomizationsQuery,
  PaymentCustomizationsQueryVariables,
  DeliveryCustomizationsQuery,
  DeliveryCustomizationsQueryVariables,
  PaymentCustomizationCreateMutation,
  PaymentCustomizationCreateMutationVariables,
  PaymentCustomizationActivationMutation,
  PaymentCustomizationActivationMutationVariables,
  DeliveryCustomizationCreateMutation,
  DeliveryCustomizationCreateMutationVariables,
  DeliveryCustomizationActivationMutation,
  DeliveryCustomizationActivationMutationVariables,
} from "./generated/admin.types";
// Orders and returns (app/services/orders, app/services/returns)
import type {
  OrderStatusesQuery,
  OrderStatusesQueryVariables,
  OrderReturnablesQuery,
  OrderReturnablesQueryVariables,
  OrderCancelMutation,
  OrderCancelMutationVariables,
  ReturnDetailQuery,
  ReturnDetailQueryVariables,
  ReturnSuggestedRefundQuery,
  ReturnSuggestedRefundQueryVariables,
  ReturnCalculateQuery,
  ReturnCalculateQueryVariables,
  ReturnRequestMutation,
  ReturnRequestMutationVariables,
  ReturnApproveRequestMutation,
  ReturnApproveRequestMutationVariables,
  ReturnDeclineRequestMutation,
  ReturnDeclineRequestMutationVariables,
  ReturnProcessMutation,
  ReturnProcessMutationVariables,
  ReturnDisposeMutation,
  ReturnDisposeMutationVariables,
  ValidationCreateMutation,
  ValidationCreateMutationVariables,
  ValidationLookupVariantsQuery,
  ValidationLookupVariantsQueryVariables,
  ValidationUpdateMutation,
  ValidationUpdateMutationVariables,
  ValidationsQuery,
  ValidationsQueryVariables,
} from "./generated/admin.types";
// Promotions (app/services/promotions)
import type {
  DiscountAutomaticAppCreateMutation,
  DiscountAutomaticAppCreateMutationVariables,
  DiscountAutomaticAppUpdateMutation,
  DiscountAutomaticAppUpdateMutationVariables,
  DiscountProductCollectionsQuery,
  DiscountProductCollectionsQueryVariables,
  DiscountPromotionSetQuery,
  DiscountPromotionSetQueryVariables,
  DiscountPromotionsListQuery,
  DiscountPromotionsListQueryVariables,
  ShopifyFunctionsDiscountQuery,
  ShopifyFunctionsDiscountQueryVariables,
} from "./generated/admin.types";

/** A document as codegen describes it: one named query or mutation. */
export interface AdminDocument {
  readonly name: string;
  readonly kind: "query" | "mutation";
  /** True when the root field carries `@idempotent(key:)`: Shopify dedupes a resend. */
  readonly idempotent: boolean;
  readonly source: string;
}

/**
 * An Admin operation with its result (`TData`) and variables (`TVariables`) types.
 * The types exist only at compile time: `__types` is never set.
 */
export interface AdminOperation<TData, TVariables> extends AdminDocument {
  readonly __types?: { readonly data: TData; readonly variables: TVariables };
}

/** Result type of an operation, e.g. `OperationData<typeof ShopInfo>`. */
export type OperationData<TOperation> = TOperation extends AdminOperation<infer TData, unknown> ? TData : never;
/** Variables type of an operation, e.g. `OperationVariables<typeof ProductsPage>`. */
export type OperationVariables<TOperation> =
  TOperation extends AdminOperation<unknown, infer TVariables> ? TVariables : never;

/** Pairs a generated document with its generated types. */
export function op<TData, TVariables>(document: AdminDocument): AdminOperation<TData, TVariables> {
  return {
    name: document.name,
    kind: document.kind,
    idempotent: document.idempotent,
    source: document.source,
  };
}

export const ShopInfo = op<ShopInfoQuery, ShopInfoQueryVariables>(documents.ShopInfoDocument);
export const ProductsPage = op<ProductsPageQuery, ProductsPageQueryVariables>(documents.ProductsPageDocument);
export const LocationsPage = op<LocationsPageQuery, LocationsPageQueryVariables>(documents.LocationsPageDocument);
export const InventoryLevelsPage = op<InventoryLevelsPageQuery, InventoryLevelsPageQueryVariables>(
  documents.InventoryLevelsPageDocument,
);
export const OrdersPage = op<OrdersPageQuery, OrdersPageQueryVariables>(documents.OrdersPageDocument);
export const WebhookSubscriptionsPage = op<WebhookSubscriptionsPageQuery, WebhookSubscriptionsPageQueryVariables>(
  documents.WebhookSubscriptionsPageDocument,
);
export const BulkOperationStatus = op<BulkOperationStatusQuery, BulkOperationStatusQueryVariables>(
  documents.BulkOperationStatusDocument,
);

export const MetafieldsSet = op<MetafieldsSetMutation, MetafieldsSetMutationVariables>(documents.MetafieldsSetDocument);
export const InventoryAdjustQuantities = op<
  InventoryAdjustQuantitiesMutation,
  InventoryAdjustQuantitiesMutationVariables
>(documents.InventoryAdjustQuantitiesDocument);
export const InventoryMoveQuantities = op<InventoryMoveQuantitiesMutation, InventoryMoveQuantitiesMutationVariables>(
  documents.InventoryMoveQuantitiesDocument,
);
export const BulkOperationRunQuery = op<BulkOperationRunQueryMutation, BulkOperationRunQueryMutationVariables>(
  documents.BulkOperationRunQueryDocument,
);

// Peak kill switches (app/services/kill-switches)
export const ShopMetafield = op<ShopMetafieldQuery, ShopMetafieldQueryVariables>(documents.ShopMetafieldDocument);
export const PaymentCustomizations = op<PaymentCustomizationsQuery, PaymentCustomizationsQueryVariables>(documents.PaymentCustomizationsDocument);
export const DeliveryCustomizations = op<DeliveryCustomizationsQuery, DeliveryCustomizationsQueryVariables>(documents.DeliveryCustomizationsDocument);
export const PaymentCustomizationCreate = op<PaymentCustomizationCreateMutation, PaymentCustomizationCreateMutationVariables>(documents.PaymentCustomizationCreateDocument);
export const PaymentCustomizationActivation = op<PaymentCustomizationActivationMutation, PaymentCustomizationActivationMutationVariables>(documents.PaymentCustomizationActivationDocument);
export const DeliveryCustomizationCreate = op<DeliveryCustomizationCreateMutation, DeliveryCustomizationCreateMutationVariables>(documents.DeliveryCustomizationCreateDocument);
export const DeliveryCustomizationActivation = op<DeliveryCustomizationActivationMutation, DeliveryCustomizationActivationMutationVariables>(documents.DeliveryCustomizationActivationDocument);

// Orders and returns (app/services/orders, app/services/returns)
export const OrderStatuses = op<OrderStatusesQuery, OrderStatusesQueryVariables>(documents.OrderStatusesDocument);
export const OrderReturnables = op<OrderReturnablesQuery, OrderReturnablesQueryVariables>(documents.OrderReturnablesDocument);
export const OrderCancel = op<OrderCancelMutation, OrderCancelMutationVariables>(documents.OrderCancelDocument);
export const ReturnDetail = op<ReturnDetailQuery, ReturnDetailQueryVariables>(documents.ReturnDetailDocument);
export const ReturnSuggestedRefund = op<ReturnSuggestedRefundQuery, ReturnSuggestedRefundQueryVariables>(documents.ReturnSuggestedRefundDocument);
export const ReturnCalculate = op<ReturnCalculateQuery, ReturnCalculateQueryVariables>(documents.ReturnCalculateDocument);
export const ReturnRequest = op<ReturnRequestMutation, ReturnRequestMutationVariables>(documents.ReturnRequestDocument);
export const ReturnApproveRequest = op<ReturnApproveRequestMutation, ReturnApproveRequestMutationVariables>(documents.ReturnApproveRequestDocument);
export const ReturnDeclineRequest = op<ReturnDeclineRequestMutation, ReturnDeclineRequestMutationVariables>(documents.ReturnDeclineRequestDocument);
export const ReturnProcess = op<ReturnProcessMutation, ReturnProcessMutationVariables>(documents.ReturnProcessDocument);
export const ReturnDispose = op<ReturnDisposeMutation, ReturnDisposeMutationVariables>(documents.ReturnDisposeDocument);

// Checkout rules (app/services/validation)
export const Validations = op<ValidationsQuery, ValidationsQueryVariables>(documents.ValidationsDocument);
export const ValidationCreate = op<ValidationCreateMutation, ValidationCreateMutationVariables>(documents.ValidationCreateDocument);
export const ValidationUpdate = op<ValidationUpdateMutation, ValidationUpdateMutationVariables>(documents.ValidationUpdateDocument);
export const ValidationLookupVariants = op<ValidationLookupVariantsQuery, ValidationLookupVariantsQueryVariables>(documents.ValidationLookupVariantsDocument);

// Promotions (app/services/promotions)
export const DiscountPromotionsList = op<DiscountPromotionsListQuery, DiscountPromotionsListQueryVariables>(documents.DiscountPromotionsListDocument);
export const DiscountPromotionSet = op<DiscountPromotionSetQuery, DiscountPromotionSetQueryVariables>(documents.DiscountPromotionSetDocument);
export const DiscountAutomaticAppCreate = op<DiscountAutomaticAppCreateMutation, DiscountAutomaticAppCreateMutationVariables>(documents.DiscountAutomaticAppCreateDocument);
export const DiscountAutomaticAppUpdate = op<DiscountAutomaticAppUpdateMutation, DiscountAutomaticAppUpdateMutationVariables>(documents.DiscountAutomaticAppUpdateDocument);
export const DiscountProductCollections = op<DiscountProductCollectionsQuery, DiscountProductCollectionsQueryVariables>(documents.DiscountProductCollectionsDocument);
export const ShopifyFunctionsDiscount = op<ShopifyFunctionsDiscountQuery, ShopifyFunctionsDiscountQueryVariables>(documents.ShopifyFunctionsDiscountDocument);
