namespace DaprPlatform.Notifications.Apis;

public static class Paging
{
    /// <returns>The validation errors of a page request, or null when it is valid.</returns>
    public static Dictionary<string, string[]>? Validate(int page, int pageSize, int maxPageSize) =>
        page >= 1 && pageSize >= 1 && pageSize <= maxPageSize ? null : new()
        {
            ["page"] = ["page is 1 or more"],
            ["pageSize"] = [$"pageSize is between 1 and {maxPageSize}"],
        };
}
