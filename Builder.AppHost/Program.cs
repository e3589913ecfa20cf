Console.WriteLine("Builder.AppHost");
