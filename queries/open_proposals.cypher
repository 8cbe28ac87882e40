// name: open_proposals
// description: Need–resource pairs proposed by graphgov match --all --assign (stored in the store)
//   that have not been dispatched yet, for needs still open, best first: who raised the need,
//   who offers the resource, the score and who can introduce them.
// 说明: graphgov match --all --assign 保存在库中、尚未派单的拟匹配（需求仍未办结），按得分排列：需求与提出单位、资源与提供单位、得分和引荐单位。
// param: category = ''  -- only needs of this category (English code, e.g. parking); empty for all
MATCH (p:Proposal)-[:FOR_NEED]->(n:Need)
MATCH (p)-[:USES]->(r:Resource)
WHERE NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
  AND ($category = '' OR n.category = $category)
  AND NOT EXISTS { MATCH (d:Dispatch)-[:FOR_NEED]->(n) WHERE EXISTS { MATCH (d)-[:USES]->(r) } }
OPTIONAL MATCH (asker:Unit)-[:RAISES]->(n)
OPTIONAL MATCH (giver:Unit)-[:OFFERS]->(r)
OPTIONAL MATCH (broker:Unit {id: p.broker_id})
RETURN p.rank AS rank, n.id AS need_id, n.title AS need, n.category AS category, asker.name AS need_unit,
       r.id AS resource_id, r.title AS resource, giver.name AS provider, p.units AS units, p.score AS score,
       broker.name AS broker, p.reasons AS reasons
ORDER BY rank
