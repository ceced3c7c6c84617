from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from neuroyard.core.pagination import PaginatedList, paginated
from neuroyard.datasets.selectors import dataset_get
from neuroyard.specs.models import ModelSpec
from neuroyard.specs.selectors import spec_get, spec_list
from neuroyard.specs.services import spec_create, spec_validate, summary_as_dict
from neuroyard.specs.templates import NetworkTemplate, template_get, template_list


class LayerRowOutput(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    inputs = serializers.ListField(child=serializers.CharField())
    output_shape = serializers.ListField(child=serializers.IntegerField())
    params = serializers.IntegerField()
    non_trainable_params = serializers.IntegerField()


class MemoryRowOutput(serializers.Serializer):
    batch_size = serializers.IntegerField()
    bytes = serializers.IntegerField()


class MemoryOutput(serializers.Serializer):
    weights_bytes = serializers.IntegerField()
    gradients_bytes = serializers.IntegerField()
    optimizer_bytes = serializers.IntegerField()
    activations_bytes_per_sample = serializers.IntegerField()
    by_batch_size = MemoryRowOutput(many=True)


class SummaryOutput(serializers.Serializer):
    """specs.services.summary_as_dict: the layer table, the totals Keras counts, memory."""

    layers = LayerRowOutput(many=True)
    total_params = serializers.IntegerField()
    trainable_params = serializers.IntegerField()
    non_trainable_params = serializers.IntegerField()
    input_shape = serializers.ListField(child=serializers.IntegerField())
    output_shape = serializers.ListField(child=serializers.IntegerField())
    memory = MemoryOutput()


class SpecOutput(serializers.ModelSerializer):
    class Meta:
        model = ModelSpec
        fields = ["id", "name", "spec", "summary", "created_at"]


class SpecListCreateApi(PaginatedList, APIView):
    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        spec = serializers.JSONField()

    @extend_schema(responses=SpecOutput(many=True))
    def get(self, request: Request) -> Response:
        return paginated(request, self, spec_list(user=request.user), SpecOutput)

    @extend_schema(request=Input, responses={201: SpecOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        spec = spec_create(owner=request.user, **data.validated_data)
        return Response(SpecOutput(spec).data, status=status.HTTP_201_CREATED)


class SpecDetailApi(APIView):
    @extend_schema(responses=SpecOutput)
    def get(self, request: Request, spec_id: str) -> Response:
        return Response(SpecOutput(spec_get(user=request.user, spec_id=spec_id)).data)


class SpecValidateApi(APIView):
    class Input(serializers.Serializer):
        spec = serializers.JSONField()
        dataset = serializers.UUIDField(required=False)
        # Adds this batch size to the memory estimate's rows.
        batch_size = serializers.IntegerField(required=False, min_value=1, max_value=65_536)

    @extend_schema(request=Input, responses=SummaryOutput)
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dataset_id = values.get("dataset")
        dataset = dataset_get(user=request.user, dataset_id=dataset_id) if dataset_id else None
        summary = spec_validate(
            spec=values["spec"], dataset=dataset, batch_size=values.get("batch_size")
        )
        return Response(summary_as_dict(summary))


class TemplateOutput(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    explanation = serializers.CharField()
    example_key = serializers.CharField(allow_null=True)
    spec = serializers.JSONField()
    params = serializers.JSONField(help_text="Suggested params of the train job.")
    summary = serializers.SerializerMethodField()

    @extend_schema_field(SummaryOutput)
    def get_summary(self, template: NetworkTemplate) -> dict[str, Any]:
        return summary_as_dict(spec_validate(spec=template.spec))


class TemplateListApi(APIView):
    @extend_schema(responses=TemplateOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(TemplateOutput(template_list(), many=True).data)


class TemplateDetailApi(APIView):
    @extend_schema(responses=TemplateOutput)
    def get(self, request: Request, key: str) -> Response:
        return Response(TemplateOutput(template_get(key=key)).data)
