using System.Reflection;
using Microsoft.CodeAnalysis;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// The pipeline's records must hold plain values only: an ISymbol, SyntaxNode or Compilation kept in a model
/// would root the whole compilation and break incremental caching.
/// </summary>
public class ModelRecordTests
{
    private static readonly Type[] Forbidden = { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location) };

    [Theory]
    [InlineData(typeof(ModelSpec))]
    [InlineData(typeof(ModelPlan))]
    public void Records_hold_no_compiler_objects(Type root)
    {
        var seen = new HashSet<Type>();
        var problems = new List<string>();
        Walk(root, root.Name, seen, problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void Same_declaration_gives_equal_plans()
    {
        var a = ShapeInferenceTests.Plan(Models.SeqToSeqLstm);
        var b = ShapeInferenceTests.Plan(Models.SeqToSeqLstm);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    private static void Walk(Type type, string path, HashSet<Type> seen, List<string> problems)
    {
        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
        {
            return;
        }

        if (Forbidden.Any(f => f.IsAssignableFrom(type)))
        {
            problems.Add(path + " is " + type.Name);
            return;
        }

        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                Walk(argument, path + "<" + argument.Name + ">", seen, problems);
            }
        }

        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            var fieldType = field.FieldType.IsArray ? field.FieldType.GetElementType()! : field.FieldType;
            Walk(fieldType, path + "." + field.Name, seen, problems);
        }
    }
}
