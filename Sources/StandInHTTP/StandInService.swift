/// A stand-in's protocol logic: requests in, responses out, with its state inside; transports serve it.
public protocol StandInService: AnyObject, Sendable {
    /// Counts a request on arrival and returns its number, from 1; a transport calls it before any
    /// scripted fault takes the request's place.
    func admit() -> Int
    /// The answer to `request`, the `number`th admitted.
    func answer(_ request: StandInRequest, number: Int) -> StandInResponse
}

extension StandInService {
    /// Admits `request` and answers it.
    public func respond(to request: StandInRequest) -> StandInResponse {
        answer(request, number: admit())
    }
}
