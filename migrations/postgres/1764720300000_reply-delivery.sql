-- Up Migration

-- A staff reply's delivery now says 'pushed' (it reached a live connection) instead of 'delivered',
-- and its instant is pushedAt. Stored inquiries are rewritten; the order of replies is kept.
UPDATE inquiries
SET document = jsonb_set(document, '{replies}', (
  SELECT COALESCE(jsonb_agg(
    CASE WHEN r->>'delivery' = 'delivered'
      THEN (r - 'delivery' - 'deliveredAt')
        || jsonb_build_object('delivery', 'pushed')
        || CASE WHEN r ? 'deliveredAt' THEN jsonb_build_object('pushedAt', r->'deliveredAt') ELSE '{}'::jsonb END
      ELSE r END
    ORDER BY ord), '[]'::jsonb)
  FROM jsonb_array_elements(document->'replies') WITH ORDINALITY AS e(r, ord)))
WHERE document->'replies' @> '[{"delivery":"delivered"}]';

-- Down Migration
UPDATE inquiries
SET document = jsonb_set(document, '{replies}', (
  SELECT COALESCE(jsonb_agg(
    CASE WHEN r->>'delivery' = 'pushed'
      THEN (r - 'delivery' - 'pushedAt')
        || jsonb_build_object('delivery', 'delivered')
        || CASE WHEN r ? 'pushedAt' THEN jsonb_build_object('deliveredAt', r->'pushedAt') ELSE '{}'::jsonb END
      ELSE r END
    ORDER BY ord), '[]'::jsonb)
  FROM jsonb_array_elements(document->'replies') WITH ORDINALITY AS e(r, ord)))
WHERE document->'replies' @> '[{"delivery":"pushed"}]';
