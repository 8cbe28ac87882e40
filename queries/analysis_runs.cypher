// name: analysis_runs
// description: The analyses stored in the store (central, gaps, match): when each was computed,
//   on which data version, with which parameters, and how many rows it wrote. graphgov reuses a
//   result while the data version of the tables it reads stays the same.
// 说明: 库中保存的分析结果（central、gaps、match）：计算时间、所依据的数据版本、参数和写入的行数；数据未变时 graphgov 直接复用这些结果。
MATCH (r:AnalysisRun)
RETURN r.analysis AS analysis, r.computed_at AS computed_at, r.data_version AS data_version,
       r.rows AS rows, r.seconds AS seconds, r.graphgov AS graphgov, r.params AS params
ORDER BY analysis
