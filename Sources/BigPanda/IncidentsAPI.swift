/// What the sweep, reconcile and verification ask of BigPanda's Incidents API: the client over libcurl,
/// or a fake in unit tests.
public protocol IncidentsAPI: Sendable {
    /// Reads every page of incidents matching `query` (BPQL, or nil for all) with their alerts.
    func search(query: String?) async throws(IncidentsError) -> IncidentSearch

    /// Asks BigPanda to resolve these alert ids; returns the last HTTP status and the requests made.
    func resolve(ids: [String], comments: String) async throws(IncidentsError) -> (status: Int, attempts: Int)

    /// Reads an incident's whole activity feed, newest first.
    func activities(incidentID: String) async throws(IncidentsError) -> [IncidentActivity]

    /// Posts one comment on an incident; returns the HTTP status and the requests made.
    func comment(incidentID: String, text: String) async throws(IncidentsError) -> (status: Int, attempts: Int)
}

extension IncidentsClient: IncidentsAPI {}
