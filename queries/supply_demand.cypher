// name: supply_demand
// description: Supply against demand per category: needs, unmet needs and the quantity they ask
//   for, against resources still available on the given date and their capacity.
// 说明: 按类别对比供需：需求数、未满足需求数及其数量，与截至指定日期仍有效的资源数及其容量。
// param: as_of = today  -- resources whose availability ended before this date do not count
OPTIONAL MATCH (n:Need)
WITH collect(DISTINCT n.category) AS need_categories
OPTIONAL MATCH (r:Resource)
WITH need_categories, collect(DISTINCT r.category) AS resource_categories
UNWIND need_categories + resource_categories AS category
WITH DISTINCT category
OPTIONAL MATCH (n:Need)
WHERE n.category = category AND NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
WITH category, count(n) AS unmet_needs, coalesce(sum(n.quantity), 0) AS unmet_quantity
OPTIONAL MATCH (r:Resource)
WHERE r.category = category AND (r.available_until IS NULL OR r.available_until >= $as_of)
WITH category, unmet_needs, unmet_quantity, count(r) AS resources, coalesce(sum(r.capacity), 0) AS capacity
RETURN category,
       COUNT { MATCH (n:Need) WHERE n.category = category } AS needs,
       unmet_needs, unmet_quantity, resources, capacity,
       CASE WHEN unmet_needs = 0 THEN NULL ELSE round(1.0 * resources / unmet_needs, 2) END AS resources_per_unmet_need
ORDER BY unmet_needs DESC, category
